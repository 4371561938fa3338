import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The folder holding metadata.schema.json and golden.schema.json: `schema/` of the installed
 * `@jobforge/registry` (the format is the registry's; the toolkit checks connectors against it).
 * Resolved through the package's exported package.json, so it works in this workspace and in a
 * user's node_modules alike.
 */
export const REGISTRY_SCHEMA_DIR = join(
  dirname(createRequire(import.meta.url).resolve('@jobforge/registry/package.json')),
  'schema',
);
