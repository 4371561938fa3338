import { existsSync, lstatSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir, writeFileAtomic } from '@jobforge/sdk';
import { integrityHex, matchesIntegrity } from './integrity.js';
import { readBoundedFile } from './read-bounded-file.js';

/** Largest artifact the cache reads back (the registry source's own cap). */
const MAX_ARTIFACT_BYTES = 64 * 1024 * 1024;

export type CacheLookup =
  | { state: 'hit'; path: string; bytes: Buffer }
  | { state: 'miss' }
  /** The entry was there but did not match its name; it has been removed. */
  | { state: 'corrupt' };

/**
 * A content-addressed artifact cache: each file is named by the sha256 it must have, so a lookup
 * re-hashes what it reads and a corrupted entry is detected (and removed) instead of loaded. The
 * folder and its `sha256/` must be real directories only this user can write (CACHE_UNSAFE
 * otherwise: a symlinked `sha256/` would make the client write elsewhere), and entries are read as
 * bounded regular files (a symlink or FIFO planted as an entry is a miss, never followed).
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
  let checked = false;
  /** Checks (and with `create`, makes) the folders; false when they do not exist yet. */
  const checkDirs = (create: boolean): boolean => {
    if (checked) return true;
    if (!create && !existsSync(join(dir, 'sha256')) && !isSymlink(join(dir, 'sha256')))
      return false;
    ensurePrivateDir(dir);
    ensurePrivateDir(join(dir, 'sha256'));
    checked = true;
    return true;
  };
  return {
    dir,
    pathOf,
    async get(integrity: string): Promise<CacheLookup> {
      const path = pathOf(integrity);
      if (!checkDirs(false)) return { state: 'miss' };
      const read = await readBoundedFile(path, MAX_ARTIFACT_BYTES);
      if (!read.ok && read.reason === 'missing') return { state: 'miss' };
      if (read.ok && matchesIntegrity(read.bytes, integrity))
        return { state: 'hit', path, bytes: read.bytes };
      await rm(path, { force: true });
      return { state: 'corrupt' };
    },
    /** Stores bytes already checked against `integrity`; returns the file's path. */
    async put(integrity: string, bytes: Uint8Array): Promise<string> {
      const path = pathOf(integrity);
      checkDirs(true);
      await writeFileAtomic(path, bytes);
      return path;
    },
  };
}

export type ArtifactCache = ReturnType<typeof artifactCache>;

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
