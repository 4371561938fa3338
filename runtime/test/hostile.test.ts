import { readdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { verifyEvidence } from '@jobforge/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '../src/index.js';
import { ECHO, HOSTILE, hostKey, startServer, statementOf, waitForSnapshot } from './helpers.js';

// The table is the fixture folder: every hostile connector names the outcome it must end in.
const FIXTURES = readdirSync(HOSTILE)
  .sort()
  .map((name) => {
    const meta = JSON.parse(readFileSync(join(HOSTILE, name, 'metadata.json'), 'utf8'));
    const hostile = meta['x-hostile'] as { expect: string; timeoutMs?: number };
    return { name, expect: hostile.expect, timeoutMs: hostile.timeoutMs ?? 2500 };
  });

const key = hostKey();
let server: { server: Server; port: number; base: string };
// Results by fixture and mode; printed as one table with JOBFORGE_PRINT_HOSTILE=1.
const results = new Map<string, Record<string, string>>();

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  server.server.close();
  if (!process.env.JOBFORGE_PRINT_HOSTILE) return;
  const modes = [...new Set([...results.values()].flatMap((r) => Object.keys(r)))].filter(
    (m) => m !== 'expect',
  );
  const lines = [
    `| connector | expected | ${modes.join(' | ')} |`,
    `|---|---|${modes.map(() => '---|').join('')}`,
    ...FIXTURES.map(
      ({ name, expect: expected }) =>
        `| ${name} | ${expected} | ${modes.map((m) => results.get(name)?.[m] ?? '-').join(' | ')} |`,
    ),
  ];
  console.log(`hostile suite on Node ${process.versions.node}\n${lines.join('\n')}`);
});

it('has at least 30 hostile connectors', () => {
  expect(FIXTURES.length).toBeGreaterThanOrEqual(30);
});

// Children start from the runner's startup snapshot in auto mode and from the runner script in
// guard mode, so every wall is proven on both ways a child starts.
describe.each(['auto', 'guard'] as const)('hostile connectors, isolation %s', (mode) => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await createRuntime({
      signingKey: key.privateKeyPem,
      policy: { isolation: mode, allowPrivateAddresses: [`127.0.0.1:${server.port}`] },
      limits: { timeoutMs: 10_000, memoryMb: 160, maxOutputBytes: 1024 * 1024 },
      pool: { maxChildren: 8, warm: 2 },
      startupSnapshot: mode === 'auto',
    });
    if (mode === 'auto') await waitForSnapshot(runtime);
  }, 90_000);
  afterAll(async () => {
    await runtime.close();
  });

  it.concurrent.each(FIXTURES)(
    '$name ends in $expect',
    async ({ name, expect: expected, timeoutMs }) => {
      const payload = {
        port: server.port,
        base: server.base,
        keyPath: key.keyPath,
        path: join(HOSTILE, 'symlink-read', 'passwd-link'),
      };
      const run = await runtime.run(
        join(HOSTILE, name),
        { payload },
        { tenant_id: `t-${name}`, timeoutMs },
      );
      const statement = statementOf(run.evidence);
      const verified = verifyEvidence(run.evidence, key.publicKeyPem);
      const label = mode === 'auto' ? `${runtime.isolation.network} mode` : 'guard mode';
      const row = results.get(name) ?? {};
      row[label] =
        `${run.ok ? 'ok' : run.error.code}${verified.ok ? ', evidence verified' : ', EVIDENCE NOT VERIFIED'}`;
      results.set(name, row);
      expect(verified.ok).toBe(true);
      expect(statement.predicate.runner).toBe('runtime/sandbox');
      if (expected === 'ok') {
        expect(run.ok).toBe(true);
        // dump-env: the child's environment names its private temp folder and nothing else,
        // whatever the host's holds.
        const { env } = (run.ok ? run.data : {}) as { env: Record<string, string> };
        expect(Object.keys(env).sort()).toEqual(['TEMP', 'TMP', 'TMPDIR']);
        expect([env.TMP, env.TEMP]).toEqual([env.TMPDIR, env.TMPDIR]);
        expect(env.TMPDIR).toMatch(/^\/tmp$|jobforge-sandbox-tmp-[^/]+\/child-\d+-/);
      } else {
        expect(run.ok ? 'ok' : run.error.code).toBe(expected);
        expect(statement.predicate.error_code).toBe(expected);
      }
      if (expected === 'NETWORK_DENIED') {
        expect(statement.predicate.denials.some((d) => d.kind === 'network')).toBe(true);
        expect(run.ok ? '' : run.error.message).toMatch(/network access to \S+ denied/);
      }
      if (expected === 'PERMISSION_DENIED')
        expect(statement.predicate.denials.some((d) => d.kind === 'permission')).toBe(true);
      // The host is alive (this code runs) and the next call through the same runtime is healthy.
      const next = await runtime.run(
        ECHO,
        { payload: { message: 'still here' } },
        { tenant_id: `t-${name}` },
      );
      expect(next.ok && next.data).toEqual({ message: 'still here', length: 10 });
    },
  );
});
