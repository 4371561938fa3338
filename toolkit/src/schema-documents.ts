import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REGISTRY_SCHEMA_DIR } from './registry-schema-dir.js';

// Kept apart from the compiled validators (metadata-schema.ts): reading these resolves the
// registry package and two files, which `jobforge validate` never needs.

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
