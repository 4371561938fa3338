import { lstatSync, mkdirSync } from 'node:fs';
import { JobForgeError } from './errors.js';

/**
 * Why a folder may not hold cached code or state, or undefined when it may: it must be a real
 * directory (not a symlink, which could point anywhere), owned by this user, and writable by
 * nobody else (a group- or world-writable folder lets another local user swap what is in it).
 * The runtime's bundle cache and the registry client's artifact cache share this one check.
 */
export function privateDirProblem(path: string): string | undefined {
  let stat: ReturnType<typeof lstatSync>;
  try {
    stat = lstatSync(path);
  } catch (error) {
    return `it cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  if (stat.isSymbolicLink()) return 'it is a symbolic link';
  if (!stat.isDirectory()) return 'it is not a directory';
  if (process.getuid !== undefined && stat.uid !== process.getuid())
    return `it belongs to uid ${stat.uid}, not to this user`;
  if ((stat.mode & 0o022) !== 0)
    return `others can write to it (mode ${(stat.mode & 0o777).toString(8)})`;
  return undefined;
}

/**
 * Creates `path` (and its parents) when missing, with `mode`, then refuses it with `CACHE_UNSAFE`
 * when `privateDirProblem` finds one.
 *
 * @example
 * ensurePrivateDir('.jobforge/cache/artifacts/sha256');
 */
export function ensurePrivateDir(path: string, mode = 0o755): void {
  mkdirSync(path, { recursive: true, mode });
  const problem = privateDirProblem(path);
  if (problem)
    throw new JobForgeError('CACHE_UNSAFE', `the cache folder ${path} is not safe: ${problem}`, {
      where: path,
      hint: 'use a folder only you can write (chmod go-w), or point the cache elsewhere',
    });
}
