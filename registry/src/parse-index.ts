import { isJobForgeError, JobForgeError, parseBoundedJson } from '@jobforge/sdk';
import { INDEX_FORMAT, type RegistryIndex } from './index-format.js';
import { indexSchemaProblems } from './index-schema.js';
import { indexShapeProblems } from './index-shape.js';

/**
 * Nesting an index may have: connector metadata carries JSON Schemas (input_schema, output_schema)
 * that nest, but not this deep. Checked before any value is built.
 */
export const MAX_INDEX_DEPTH = 128;

/**
 * Parses index.json bytes (depth-bounded) and checks them against index.schema.json and the shapes
 * the build writes (index-shape.ts). Throws `INDEX_FORMAT_UNSUPPORTED` for a format this code does
 * not know (checked first, so a newer index gets that message rather than a list of schema errors)
 * and `INDEX_INVALID` for anything else wrong.
 */
export function parseIndex(bytes: Uint8Array | string, where: string): RegistryIndex {
  let value: unknown;
  try {
    // The caller's read already capped the bytes.
    value = parseBoundedJson(bytes, {
      maxBytes: Number.MAX_SAFE_INTEGER,
      maxDepth: MAX_INDEX_DEPTH,
    });
  } catch (error) {
    const why = isJobForgeError(error) ? error.message : 'it cannot be parsed';
    throw new JobForgeError('INDEX_INVALID', `${where} is not usable JSON: ${why}`, {
      where,
      hint: 'rebuild the registry with `jobforge registry build`',
    });
  }
  const format = (value as { format?: unknown } | null)?.format;
  if (typeof value === 'object' && value !== null && format !== INDEX_FORMAT) {
    throw new JobForgeError(
      'INDEX_FORMAT_UNSUPPORTED',
      `${where} has index format ${JSON.stringify(format)}; this JobForge reads format ${INDEX_FORMAT}`,
      {
        where: `${where}#/format`,
        hint:
          typeof format === 'number' && format > INDEX_FORMAT
            ? 'upgrade @jobforge/registry (and the jobforge CLI) to read this registry'
            : 'rebuild the registry with `jobforge registry build`',
      },
    );
  }
  const problems = indexSchemaProblems(value);
  if (problems.length === 0) problems.push(...indexShapeProblems(value as RegistryIndex));
  if (problems.length > 0) {
    throw new JobForgeError(
      'INDEX_INVALID',
      `${where} does not match index.schema.json:\n  ${problems.join('\n  ')}`,
      { where, hint: 'rebuild the registry with `jobforge registry build`' },
    );
  }
  return value as RegistryIndex;
}
