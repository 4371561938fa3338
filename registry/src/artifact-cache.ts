import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@jobforge/sdk';
import { integrityHex, matchesIntegrity } from './integrity.js';

export type CacheLookup =
  | { state: 'hit'; path: string; bytes: Buffer }
  | { state: 'miss' }
  /** The entry was there but did not match its name; it has been removed. */
  | { state: 'corrupt' };

/**
 * A content-addressed artifact cache: each file is named by the sha256 it must have, so a lookup
 * re-hashes what it reads and a corrupted entry is detected (and removed) instead of loaded.
 *
 * @example
 * const cache = artifactCache('.jobforge/cache');
 * const found = await cache.get(version.artifact.integrity);
 */
export function artifactCache(dir: string) {
  const pathOf = (integrity: string): string => {
    const hex = integrityHex(integrity);
    if (!hex) throw new Error(`not a sha256 integrity: ${integrity}`);
    return join(dir, 'sha256', `${hex}.mjs`);
  };
  return {
    dir,
    pathOf,
    async get(integrity: string): Promise<CacheLookup> {
      const path = pathOf(integrity);
      let bytes: Buffer;
      try {
        bytes = await readFile(path);
      } catch {
        return { state: 'miss' };
      }
      if (matchesIntegrity(bytes, integrity)) return { state: 'hit', path, bytes };
      await rm(path, { force: true });
      return { state: 'corrupt' };
    },
    /** Stores bytes already checked against `integrity`; returns the file's path. */
    async put(integrity: string, bytes: Uint8Array): Promise<string> {
      const path = pathOf(integrity);
      await writeFileAtomic(path, bytes);
      return path;
    },
  };
}

export type ArtifactCache = ReturnType<typeof artifactCache>;
