import { lstat, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import fg from 'fast-glob';
import type { Finding } from './diagnostic.js';

/** A folder holding a metadata.json: one connector to validate. */
export interface ConnectorFolder {
  /** Absolute path of the folder. */
  dir: string;
  /** Absolute path of its metadata.json. */
  metadataPath: string;
  /** metadata.json's path relative to the working directory, as diagnostics show it. */
  file: string;
}

const IGNORE = ['**/node_modules/**', '**/.git/**', '**/.jobforge/**'];

/**
 * Finds connector folders under the given paths. A folder holding metadata.json is a connector and
 * is not searched further. Symbolic links are followed once each; a link that loops back is reported,
 * never walked, so a hostile tree cannot make discovery run forever.
 */
export async function discoverConnectors(
  paths: readonly string[],
  cwd: string,
): Promise<{ folders: ConnectorFolder[]; findings: Finding[] }> {
  const findings: Finding[] = [];
  const metadataPaths = new Map<string, string>(); // real path of the folder → metadata path
  const visited = new Set<string>();
  const show = (path: string): string => relative(cwd, path).split(sep).join('/') || '.';

  const add = async (metadataPath: string): Promise<void> => {
    const real = await realpath(dirname(metadataPath)).catch(() => dirname(metadataPath));
    if (!metadataPaths.has(real)) metadataPaths.set(real, metadataPath);
  };

  const walk = async (root: string): Promise<number> => {
    const realRoot = await realpath(root);
    if (visited.has(realRoot)) return 1; // already searched through another path
    visited.add(realRoot);
    const before = metadataPaths.size;
    if (await exists(join(root, 'metadata.json'))) {
      await add(join(root, 'metadata.json'));
      return 1;
    }
    const entries = await fg('**', {
      cwd: root,
      onlyFiles: false,
      followSymbolicLinks: false,
      objectMode: true,
      ignore: IGNORE,
      dot: false,
      suppressErrors: true,
    });
    for (const entry of entries) {
      const path = join(root, entry.path);
      if (entry.dirent.isSymbolicLink()) {
        await followLink(path);
      } else if (entry.name === 'metadata.json') {
        await add(path);
      }
    }
    return metadataPaths.size - before;
  };

  const followLink = async (path: string): Promise<void> => {
    let target: import('node:fs').Stats;
    let real: string;
    try {
      target = await stat(path);
      real = await realpath(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ELOOP') loop(path);
      return; // a dangling link is not a connector; nothing to report
    }
    if (basename(path) === 'metadata.json') return add(path);
    if (!target.isDirectory()) return;
    const parent = await realpath(dirname(path));
    if (parent === real || parent.startsWith(`${real}${sep}`)) return loop(path);
    await walk(path);
  };

  const loop = (path: string): void => {
    findings.push({
      code: 'SYMLINK_LOOP',
      message: `${show(path)} is a symbolic link that loops back into its own parents, so it was not followed; remove the link or point it outside this tree`,
      file: show(path),
      pointer: '',
    });
  };

  for (const given of paths) {
    const path = resolve(cwd, given);
    let info: import('node:fs').Stats;
    try {
      info = await lstat(path);
      if (info.isSymbolicLink()) info = await stat(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ELOOP') loop(path);
      else
        findings.push({
          code: 'PATH_NOT_FOUND',
          message: `${given} does not exist; pass a connector folder or a folder of connectors (default: connectors/)`,
          file: given,
          pointer: '',
        });
      continue;
    }
    let found = 0;
    if (info.isDirectory()) found = await walk(path);
    else if (basename(path) === 'metadata.json') {
      await add(path);
      found = 1;
    }
    if (found === 0)
      findings.push({
        code: 'NO_CONNECTORS',
        message: `${given} holds no connector folder (a folder with a metadata.json); create one with \`jobforge create <id>\` or pass another path`,
        file: given,
        pointer: '',
      });
  }

  // A connector folder is not searched further: drop metadata.json files nested inside another one.
  const dirs = [...metadataPaths.values()].sort();
  const folders: ConnectorFolder[] = [];
  let outer: string | undefined;
  for (const metadataPath of dirs) {
    const dir = dirname(metadataPath);
    if (outer !== undefined && dir.startsWith(`${outer}${sep}`)) continue;
    outer = dir;
    folders.push({ dir, metadataPath, file: show(metadataPath) });
  }
  return { folders, findings };
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}
