import { createHash } from 'node:crypto';

/** The SRI integrity string (`sha256-<base64>`) of some bytes: how artifacts are named and checked. */
export function sriOf(bytes: Uint8Array | string): string {
  return `sha256-${createHash('sha256').update(bytes).digest('base64')}`;
}
