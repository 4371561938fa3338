import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root, and the real `jobforge` binary the tests run as a child process. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const jobforgeBin = fileURLToPath(new URL('../bin/jobforge.mjs', import.meta.url));

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): CliResult {
  const result = spawnSync(process.execPath, [jobforgeBin, ...args], {
    cwd: options.cwd ?? repoRoot,
    input: options.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    timeout: options.timeoutMs ?? 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
