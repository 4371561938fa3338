import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

/** The index schema, read once from registry/schema/index.schema.json (published beside every index). */
export const INDEX_SCHEMA = JSON.parse(
  readFileSync(new URL('../schema/index.schema.json', import.meta.url), 'utf8'),
) as { $id: string };

/** The schema file's bytes, copied into every registry directory as index.schema.json. */
export const INDEX_SCHEMA_TEXT = readFileSync(
  new URL('../schema/index.schema.json', import.meta.url),
  'utf8',
);

let validator: ValidateFunction | undefined;

/**
 * Checks a parsed index against index.schema.json; returns each problem as
 * `<json pointer>: <message>` (at most `limit`), empty when it conforms.
 */
export function indexSchemaProblems(value: unknown, limit = 10): string[] {
  validator ??= new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }).compile(
    INDEX_SCHEMA,
  );
  if (validator(value)) return [];
  return (validator.errors ?? [])
    .slice(0, limit)
    .map((e) => `${e.instancePath || '/'}: ${e.message ?? 'is invalid'}`);
}
