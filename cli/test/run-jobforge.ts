import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'cli/bin/jobforge.mjs');

/** Runs the real `jobforge` binary in a child process, without colour. */
export function jobforge(args: string[], cwd = ROOT, input?: string) {
  const run = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    ...(input !== undefined ? { input } : {}),
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}
