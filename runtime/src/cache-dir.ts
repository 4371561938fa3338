import { chmodSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { privateDirProblem } from '@jobforge/sdk';

/**
 * Where bundles wait to be loaded: a folder under the OS temp dir that this user owns and nobody else
 * can write (0755), so the sandbox's unprivileged uid can read the files but not swap them. If the
 * usual name is taken by someone else (a planted folder in a shared /tmp), a fresh private one is
 * made instead.
 */
export function defaultCacheDir(): string {
  const dir = join(tmpdir(), `jobforge-runtime-${process.getuid?.() ?? 'user'}`);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  if (privateDirProblem(dir) === undefined) return dir;
  const fresh = mkdtempSync(join(tmpdir(), 'jobforge-runtime-'));
  chmodSync(fresh, 0o755);
  return fresh;
}
