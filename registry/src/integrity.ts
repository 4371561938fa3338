import { createHash, timingSafeEqual } from 'node:crypto';

/** SRI integrity of some bytes: `sha256-<base64>`, as npm lockfiles and `<script integrity>` write it. */
export function integrityOf(bytes: Uint8Array): string {
  return `sha256-${createHash('sha256').update(bytes).digest('base64')}`;
}

/** The hex sha256 an SRI string names, or undefined when it is not a sha256 SRI string. */
export function integrityHex(integrity: string): string | undefined {
  const match = /^sha256-([A-Za-z0-9+/]{43}=)$/.exec(integrity);
  return match ? Buffer.from(match[1]!, 'base64').toString('hex') : undefined;
}

/** True when the bytes hash to the SRI string (compared in constant time). */
export function matchesIntegrity(bytes: Uint8Array, integrity: string): boolean {
  const expected = integrityHex(integrity);
  if (!expected) return false;
  const actual = createHash('sha256').update(bytes).digest();
  return timingSafeEqual(actual, Buffer.from(expected, 'hex'));
}
