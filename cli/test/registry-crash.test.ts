import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseIndex } from '../../registry/src/index.js';
import {
  greetingSource,
  tempDir,
  writeConnector,
} from '../../registry/test/helpers/connector-tree.js';
import { jobforgeBin, repoRoot, runCli } from './run-cli.js';

const work = tempDir('crash');
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('registry build killed mid-write', () => {
  it('leaves a complete index (old or new, never torn) and the next build finishes the job', async () => {
    const connectors = join(work, 'connectors');
    const out = join(work, 'registry');
    const keys = join(work, 'keys');
    for (let i = 0; i < 30; i++) writeConnector(connectors, { id: `c${i}` });
    expect(runCli(['keys', 'generate', '--out', keys]).status).toBe(0);
    const build = [
      'registry',
      'build',
      '--connectors',
      connectors,
      '--out',
      out,
      '--key',
      join(keys, 'private.pem'),
    ];
    expect(runCli(build).status).toBe(0);
    for (let i = 0; i < 30; i++)
      writeConnector(connectors, {
        id: `c${i}`,
        version: '1.1.0',
        source: greetingSource(`hi ${i}`),
      });

    // Kill the second build with SIGKILL as soon as its first new artifact lands.
    const before = new Set(readdirSync(join(out, 'artifacts', 'sha256')));
    const child = spawn(process.execPath, [jobforgeBin, ...build], {
      cwd: repoRoot,
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + 60_000;
    while (child.exitCode === null && Date.now() < deadline) {
      if (readdirSync(join(out, 'artifacts', 'sha256')).some((f) => !before.has(f))) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    child.kill('SIGKILL');
    await exited;
    // Whether the kill landed mid-write depends on timing; what must hold afterwards does not.
    if (child.signalCode !== 'SIGKILL')
      console.warn('the build finished before it could be killed');

    const index = parseIndex(readFileSync(join(out, 'index.json')), 'index.json');
    expect(index.connectors).toHaveLength(30);
    for (const name of readdirSync(join(out, 'artifacts', 'sha256')).filter(
      (f) => !f.startsWith('.'),
    ))
      expect(name).toMatch(/^[0-9a-f]{64}\.mjs$/);

    const again = runCli([...build, '--json']);
    expect(again.status, again.stderr).toBe(0);
    const verify = runCli(['registry', 'verify', out, '--public-key', join(keys, 'public.pem')]);
    expect(verify.status, verify.stderr).toBe(0);
    const final = parseIndex(readFileSync(join(out, 'index.json')), 'index.json');
    expect(
      final.connectors.every((c) => c.versions.map((v) => v.version).join() === '1.1.0,1.0.0'),
    ).toBe(true);
    expect(existsSync(join(out, 'index.dsse.json'))).toBe(true);
  });
});
