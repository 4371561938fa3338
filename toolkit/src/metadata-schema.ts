import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { REGISTRY_SCHEMA_DIR } from './registry-schema-dir.js';

/** The metadata schema, read once from registry/schema/metadata.schema.json. */
export const METADATA_SCHEMA = JSON.parse(
  readFileSync(join(REGISTRY_SCHEMA_DIR, 'metadata.schema.json'), 'utf8'),
) as { $id: string; properties: Record<string, { description?: string }> };

/** The golden cases schema, read once from registry/schema/golden.schema.json. */
export const GOLDEN_SCHEMA = JSON.parse(
  readFileSync(join(REGISTRY_SCHEMA_DIR, 'golden.schema.json'), 'utf8'),
) as { $id: string };

let ajv: Ajv2020 | undefined;
let metadataValidator: ValidateFunction | undefined;
let goldenValidator: ValidateFunction | undefined;

/** One Ajv instance for the process: compiling is the expensive part, so it happens once. */
export function sharedAjv(): Ajv2020 {
  ajv ??= new Ajv2020({
    allErrors: true,
    verbose: true,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
  });
  return ajv;
}

/** The compiled metadata validator (compiled on first use, then reused). */
export function compiledMetadataValidator(): ValidateFunction {
  metadataValidator ??= sharedAjv().compile(METADATA_SCHEMA);
  return metadataValidator;
}

/** The compiled golden cases validator. */
export function compiledGoldenValidator(): ValidateFunction {
  goldenValidator ??= sharedAjv().compile(GOLDEN_SCHEMA);
  return goldenValidator;
}
