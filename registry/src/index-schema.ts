import { readFileSync } from 'node:fs';
import validateIndex from './generated/index-schema-validator.js';

/** The index schema, read once from registry/schema/index.schema.json (published beside every index). */
export const INDEX_SCHEMA = JSON.parse(
  readFileSync(new URL('../schema/index.schema.json', import.meta.url), 'utf8'),
) as { $id: string };

/** The schema file's bytes, copied into every registry directory as index.schema.json. */
export const INDEX_SCHEMA_TEXT = readFileSync(
  new URL('../schema/index.schema.json', import.meta.url),
  'utf8',
);

/** ajv's standalone validator: compiled from the schema ahead of time, so hosts need no ajv. */
const validator = validateIndex as unknown as ((value: unknown) => boolean) & {
  errors?: { instancePath: string; message?: string }[] | null;
};

/**
 * Checks a parsed index against index.schema.json; returns the first problem as
 * `<json pointer>: <message>`, empty when it conforms. Validation stops at the first error: with
 * `allErrors` an untrusted index of 30 million bad items builds 30 million errors before any is
 * kept (out of memory).
 */
export function indexSchemaProblems(value: unknown, limit = 10): string[] {
  if (validator(value)) return [];
  return (validator.errors ?? [])
    .slice(0, limit)
    .map((e) => `${e.instancePath || '/'}: ${e.message ?? 'is invalid'}`);
}
