import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jobforgeBin, repoRoot } from './run-cli.js';

// The real bin, run by this Node with process.versions.node reporting another version (a preload:
// fixtures/older-node.mjs). What it covers: the bin's own check and what it prints, before any other
// module loads. What it cannot: a real older Node's parser and npm's install-time engines warning.
const PRELOAD = join(import.meta.dirname, 'fixtures/older-node.mjs');

function asNode(version: string, args: string[]) {
  const run = spawnSync(process.execPath, ['--import', PRELOAD, jobforgeBin, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', OLDER_NODE_VERSION: version },
    timeout: 60_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('the engines check of the jobforge bin', () => {
  it.each([
    ['18.20.4', ['--version']],
    ['20.18.3', ['validate', 'connectors/echo']],
    ['20.0.0', ['--help']],
  ])('Node %s: a coded error, exit 2, no stack (jobforge %s)', (version, args) => {
    const run = asNode(version, args);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `jobforge: Node.js 20.19 or newer is required; this is ${version} [NODE_UNSUPPORTED]\n` +
        '  fix:   install a current Node.js (20.19 or newer, 22 or 24) and run the command again\n',
    );
  });

  it.each(['20.19.0', '22.0.0'])('Node %s: runs', (version) => {
    const run = asNode(version, ['--version']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
