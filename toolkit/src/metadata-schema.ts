import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import validateGolden from './generated/golden-schema-validator.js';
import validateJsonSchema from './generated/json-schema-validator.js';
import validateMetadata from './generated/metadata-schema-validator.js';
import { REGISTRY_SCHEMA_DIR } from './registry-schema-dir.js';

/** The metadata schema, read once from registry/schema/metadata.schema.json. */
export const METADATA_SCHEMA = JSON.parse(
  readFileSync(join(REGISTRY_SCHEMA_DIR, 'metadata.schema.json'), 'utf8'),
) as { $id: string; properties: Record<string, { description?: string }> };

/** The golden cases schema, read once from registry/schema/golden.schema.json. */
export const GOLDEN_SCHEMA = JSON.parse(
  readFileSync(join(REGISTRY_SCHEMA_DIR, 'golden.schema.json'), 'utf8'),
) as { $id: string };

/** How the metadata and golden schemas are compiled (scripts/render-generated-types.ts uses them too). */
export const METADATA_AJV_OPTIONS = {
  allErrors: true,
  verbose: true,
  strict: true,
  strictRequired: false,
  allowUnionTypes: true,
} as const;

/** The metadata validator, compiled ahead of time (generated/metadata-schema-validator.ts). */
export function compiledMetadataValidator(): ValidateFunction {
  return validateMetadata as unknown as ValidateFunction;
}

/** The JSON Schema 2020-12 meta-schema's validator, compiled ahead of time (ajv's `validateSchema`). */
export function compiledJsonSchemaValidator(): ValidateFunction {
  return validateJsonSchema as unknown as ValidateFunction;
}

/** The golden cases validator, compiled ahead of time. */
export function compiledGoldenValidator(): ValidateFunction {
  return validateGolden as unknown as ValidateFunction;
}
