import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@jobforge/sdk';
import { sriOf } from './sri.js';

/** Stores bundle bytes in the cache under their hash; returns the path and SRI integrity. */
export async function writeBundle(
  cacheDir: string,
  prefix: string,
  bytes: Uint8Array,
): Promise<{ path: string; integrity: string }> {
  const integrity = sriOf(bytes);
  const name = Buffer.from(integrity.slice(7), 'base64').toString('hex').slice(0, 32);
  const path = join(cacheDir, `${prefix}-${name}.mjs`);
  if (!existsSync(path)) await writeFileAtomic(path, bytes, { mode: 0o644 });
  return { path, integrity };
}
