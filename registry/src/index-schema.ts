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
 * Checks a parsed index against index.schema.json; returns the first problem as
 * `<json pointer>: <message>`, empty when it conforms. Validation stops at the first error: with
 * `allErrors` an untrusted index of 30 million bad items builds 30 million errors before any is
 * kept (out of memory).
 */
export function indexSchemaProblems(value: unknown, limit = 10): string[] {
  validator ??= new Ajv2020({ allErrors: false, strict: true, allowUnionTypes: true }).compile(
    INDEX_SCHEMA,
  );
  if (validator(value)) return [];
  return (validator.errors ?? [])
    .slice(0, limit)
    .map((e) => `${e.instancePath || '/'}: ${e.message ?? 'is invalid'}`);
}
