import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@jobforge/sdk';
import { sriOf } from './sri.js';

/**
 * Stores bundle bytes in the cache under their hash; returns the path and SRI integrity. A file
 * already there is used only if its bytes still hash to its name.
 */
export async function writeBundle(
  cacheDir: string,
  prefix: string,
  bytes: Uint8Array,
): Promise<{ path: string; integrity: string }> {
  const integrity = sriOf(bytes);
  const name = Buffer.from(integrity.slice(7), 'base64').toString('hex').slice(0, 32);
  const path = join(cacheDir, `${prefix}-${name}.mjs`);
  let current: string | undefined;
  try {
    current = sriOf(readFileSync(path));
  } catch {}
  if (current !== integrity) await writeFileAtomic(path, bytes, { mode: 0o644 });
  return { path, integrity };
}
