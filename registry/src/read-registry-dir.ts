import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { JobForgeError } from '@jobforge/sdk';
import {
  ARTIFACTS_DIR,
  INDEX_FILE,
  type RegistryIndex,
  SCHEMA_FILE,
  SIGNATURE_FILE,
} from './index-format.js';
import { parseIndex } from './parse-index.js';

export interface RegistryDirState {
  /** The published index, when the directory has one. */
  index?: RegistryIndex;
  /** Files that do not belong in a registry directory, relative to it. */
  strays: string[];
}

const TOP_LEVEL = new Set([INDEX_FILE, SIGNATURE_FILE, SCHEMA_FILE, ARTIFACTS_DIR]);
const ARTIFACT_NAME = /^[0-9a-f]{64}\.mjs$/;

/**
 * Reads what a registry directory already holds. A missing directory is an empty registry. Hidden
 * entries (`.cache/`, a crashed write's `.x.tmp-*`) are ignored; anything else unexpected is a stray.
 */
export async function readRegistryDir(dir: string): Promise<RegistryDirState> {
  const strays = await findStrays(dir);
  let bytes: Buffer | undefined;
  try {
    bytes = await readFile(join(dir, INDEX_FILE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return { strays, ...(bytes ? { index: parseIndex(bytes, join(dir, INDEX_FILE)) } : {}) };
}

/** Entries of a registry directory that are not the registry's (hidden ones are ignored). */
export async function findStrays(dir: string): Promise<string[]> {
  const top = await list(dir);
  if (top === undefined) return [];
  const strays = top.filter((name) => !name.startsWith('.') && !TOP_LEVEL.has(name));
  const artifacts = await list(join(dir, ARTIFACTS_DIR));
  for (const name of artifacts ?? []) {
    if (name.startsWith('.')) continue;
    if (name !== 'sha256') {
      strays.push(`${ARTIFACTS_DIR}/${name}`);
      continue;
    }
    for (const file of (await list(join(dir, ARTIFACTS_DIR, 'sha256'))) ?? [])
      if (!file.startsWith('.') && !ARTIFACT_NAME.test(file))
        strays.push(`${ARTIFACTS_DIR}/sha256/${file}`);
  }
  return strays.sort();
}

/** Throws `REGISTRY_DIR_STRAY` when a registry directory holds files that are not the registry's. */
export function refuseStrays(dir: string, strays: readonly string[]): void {
  if (strays.length === 0) return;
  throw new JobForgeError(
    'REGISTRY_DIR_STRAY',
    `${dir} holds files that are not part of a registry: ${strays.join(', ')}`,
    {
      where: dir,
      hint: `a registry directory holds only ${INDEX_FILE}, ${SIGNATURE_FILE}, ${SCHEMA_FILE} and ${ARTIFACTS_DIR}/sha256/; move the others away or choose another --out`,
    },
  );
}

async function list(dir: string): Promise<string[] | undefined> {
  try {
    return await readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR')
      throw new JobForgeError('REGISTRY_DIR_INVALID', `${dir} is a file, not a directory`, {
        where: dir,
      });
    throw error;
  }
}
