import { spawn } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../registry/test/helpers/connector-tree.js';
import { jobforgeBin, repoRoot, runCli } from './run-cli.js';

let work: string;
let out: string;
let keys: string;
// Every reference connector is published, whatever connectors/ holds.
const count = readdirSync(join(repoRoot, 'connectors')).filter((d) =>
  existsSync(join(repoRoot, 'connectors', d, 'metadata.json')),
).length;

beforeAll(() => {
  work = tempDir('cli-registry');
  out = join(work, 'registry');
  keys = join(work, 'keys');
  expect(runCli(['keys', 'generate', '--out', keys]).status).toBe(0);
  const built = runCli([
    'registry',
    'build',
    '--connectors',
    'connectors',
    '--out',
    out,
    '--key',
    join(keys, 'private.pem'),
    '--json',
  ]);
  expect(built.status, built.stderr).toBe(0);
  expect(JSON.parse(built.stdout)).toMatchObject({ ok: true, bundled: count });
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

const input = ['--input', '{"message":"via the registry"}', '--json'];

describe('jobforge registry', () => {
  it('verify exits 0 on the built registry and 1, naming the artifact, once it is tampered', () => {
    const publicKey = join(keys, 'public.pem');
    const good = runCli(['registry', 'verify', out, '--public-key', publicKey]);
    expect(good.stdout).toMatch(
      new RegExp(`^✓ .*: signed by [0-9a-f]{16}…, ${count} connectors, ${count} artifacts intact`),
    );
    expect(good.status).toBe(0);
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8'));
    const artifact = join(out, index.connectors[0].versions[0].artifact.path);
    const original = readFileSync(artifact);
    writeFileSync(artifact, Buffer.concat([original, Buffer.from('\n// extra')]));
    try {
      const bad = runCli(['registry', 'verify', out, '--public-key', publicKey]);
      expect(bad.stderr).toContain(
        'ARTIFACT_INTEGRITY: the artifact of echo@1.0.0 does not match the index',
      );
      expect(bad.status).toBe(1);
    } finally {
      writeFileSync(artifact, original);
    }
  });

  it('run <id@range> --registry gives the same result as run <dir>, with the integrity in the evidence', () => {
    const direct = runCli(['run', 'connectors/echo', ...input]);
    const viaRegistry = runCli([
      'run',
      'echo@^1',
      '--registry',
      out,
      '--trust',
      join(keys, 'public.pem'),
      ...input,
    ]);
    expect(viaRegistry.status, viaRegistry.stderr).toBe(0);
    const a = JSON.parse(direct.stdout);
    const b = JSON.parse(viaRegistry.stdout);
    expect(b.data).toEqual(a.data);
    const statement = JSON.parse(Buffer.from(b.evidence.payload, 'base64').toString('utf8'));
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8'));
    expect(statement.predicate.connector).toEqual({
      id: 'echo',
      version: '1.0.0',
      integrity: index.connectors[0].versions[0].artifact.integrity,
    });
  });

  it('run refuses a registry it cannot trust, saying why', () => {
    const untrusted = runCli(['run', 'echo@^1', '--registry', out, ...input]);
    expect(untrusted.status).toBe(1);
    expect(JSON.parse(untrusted.stdout).error.code).toBe('INDEX_UNTRUSTED');
    const missing = runCli([
      'run',
      'echo@^9',
      '--registry',
      out,
      '--trust',
      join(keys, 'public.pem'),
      ...input,
    ]);
    expect(JSON.parse(missing.stdout).error.message).toBe(
      'no version of echo satisfies ^9 (have 1.0.0)',
    );
    expect(missing.status).toBe(2);
  });

  it('run --allow-hosts refuses a version asking for hosts the host does not allow', () => {
    const trust = ['--trust', join(keys, 'public.pem')];
    const narrow = runCli([
      'run',
      'http-request@^1',
      '--registry',
      out,
      ...trust,
      '--allow-hosts',
      'api.example.com',
      ...input,
    ]);
    expect(narrow.status).toBe(2);
    const { error } = JSON.parse(narrow.stdout);
    expect(error.code).toBe('NO_MATCHING_VERSION');
    expect(error.message).toMatch(
      /needs network access to \*\.example\.com, 127\.0\.0\.1, localhost, which the host policy does not allow/,
    );
    const without = runCli(['run', 'connectors/echo', '--allow-hosts', 'a.example', ...input]);
    expect(without.status).toBe(2);
    expect(JSON.parse(without.stdout).error.code).toBe('INVALID_FLAG');
  });

  it('serve answers a client: run resolves through http://127.0.0.1', async () => {
    const server = spawn(
      process.execPath,
      [jobforgeBin, 'registry', 'serve', '--dir', out, '--port', '0', '--json'],
      {
        cwd: repoRoot,
      },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        server.stdout.once('data', (chunk: Buffer) => resolve(JSON.parse(chunk.toString()).url));
        server.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const { spawnSync } = await import('node:child_process');
      const run = spawnSync(
        process.execPath,
        [
          jobforgeBin,
          'run',
          'echo@1',
          '--registry',
          url,
          '--trust',
          join(keys, 'public.pem'),
          ...input,
        ],
        { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 },
      );
      expect(run.status, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout).data).toEqual({ message: 'via the registry', length: 16 });
    } finally {
      server.kill('SIGTERM');
    }
  });

  it('build refuses an invalid connector tree with exit 1', () => {
    const run = runCli([
      'registry',
      'build',
      '--connectors',
      'registry/test/fixtures/RATE_LIMIT_BURST',
      '--out',
      join(work, 'never'),
    ]);
    expect(run.stderr).toContain('refusing to publish: acme is invalid');
    expect(run.status).toBe(1);
  });

  it('the README section runs as written: keys, build, verify, run through the registry', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const block = /## Publish and load connectors\n\n```bash\n([\s\S]*?)```/.exec(readme)![1]!;
    const cwd = join(work, 'readme');
    // node_modules come along as symbolic links (cpSync makes relative ones absolute).
    cpSync(join(repoRoot, 'connectors'), join(cwd, 'connectors'), { recursive: true });
    // The lines that need no server and write only inside cwd (serve blocks, docs and the bench are
    // tested elsewhere).
    const lines = block
      .split('\n')
      .filter((l) => /^npx jobforge (keys|registry (build|verify)|run)/.test(l));
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      const args = line
        .replace(/^npx jobforge /, '')
        .replace(/\s+#.*$/, '')
        .match(/'[^']*'|\S+/g)!
        .map((a) => a.replace(/^'|'$/g, ''));
      const result = runCli(args, { cwd });
      expect(result.status, `${line}\n${result.stderr}`).toBe(0);
    }
  });
});
