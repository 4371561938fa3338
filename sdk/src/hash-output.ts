import { createHash } from 'node:crypto';
import { canonicalize } from './canonicalize.js';

/**
 * The sha256 (lower-case hex) of a value's RFC 8785 canonical form: the same logical JSON always
 * hashes the same, whatever its key order or number spelling. Throws `NOT_JSON` as `canonicalize`.
 *
 * @example
 * hashOutput({ a: 1, b: 2 }) === hashOutput({ b: 2, a: 1 }) // true
 */
export function hashOutput(value: unknown): string {
  return sha256Hex(canonicalize(value));
}

/** sha256 of a string's UTF-8 bytes (or of raw bytes), lower-case hex. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
