import { JobForgeError } from './errors.js';

export interface JsonBounds {
  /** Most UTF-8 bytes (or UTF-16 units of a string) accepted. */
  maxBytes: number;
  /** Most nesting of arrays and objects accepted. */
  maxDepth: number;
}

/**
 * `JSON.parse` for untrusted text, with its cost bounded before any value is built: the size is
 * checked first, then one pass over the text counts nesting (outside strings) and stops at the first
 * bracket past `maxDepth`, so a deeply nested document is refused in linear time and never reaches
 * code that recurses over the parsed value. Throws `JobForgeError` `JSON_TOO_LARGE`,
 * `JSON_TOO_DEEP` or `NOT_JSON`.
 *
 * @example
 * parseBoundedJson('{"a":[1]}', { maxBytes: 1024, maxDepth: 8 }) // { a: [1] }
 */
export function parseBoundedJson(text: string | Uint8Array, bounds: JsonBounds): unknown {
  const size = typeof text === 'string' ? text.length : text.byteLength;
  if (size > bounds.maxBytes)
    throw new JobForgeError(
      'JSON_TOO_LARGE',
      `the document is ${size} bytes; at most ${bounds.maxBytes} are accepted`,
    );
  const source = typeof text === 'string' ? text : Buffer.from(text).toString('utf8');
  const depth = nestingPastLimit(source, bounds.maxDepth);
  if (depth !== -1)
    throw new JobForgeError(
      'JSON_TOO_DEEP',
      `the document nests deeper than ${bounds.maxDepth} levels (at offset ${depth})`,
    );
  try {
    return JSON.parse(source);
  } catch (error) {
    throw new JobForgeError(
      'NOT_JSON',
      `the document is not valid JSON: ${error instanceof Error ? error.message.slice(0, 200) : 'parse failed'}`,
    );
  }
}

/** The offset of the first bracket that opens past `maxDepth` levels, or -1 when none does. */
function nestingPastLimit(text: string, maxDepth: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return -1;
}
