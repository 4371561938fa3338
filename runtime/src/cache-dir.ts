import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where bundles wait to be loaded: a root-owned 0755 folder under the OS temp dir, so the sandbox's
 * unprivileged uid can read the files (0644) but nobody else can swap them. Files are named by their
 * content hash and checked again by the child before use.
 */
export function defaultCacheDir(): string {
  const dir = join(tmpdir(), `jobforge-runtime-${process.getuid?.() ?? 'user'}`);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  return dir;
}
