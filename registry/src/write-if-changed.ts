import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '@jobforge/sdk';

/** Writes a file atomically unless it already holds exactly these bytes; true when it wrote. */
export async function writeIfChanged(path: string, bytes: Uint8Array): Promise<boolean> {
  try {
    if (Buffer.compare(await readFile(path), bytes) === 0) return false;
  } catch {
    // Missing: write it.
  }
  await writeFileAtomic(path, bytes);
  return true;
}
