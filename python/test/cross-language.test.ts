import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSigningKeyPair, hashOutput } from '@jobforge/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createQueueClient, type QueueClient } from '../../queue/src/queue-client.js';
import { runWorker } from '../../queue/src/run-worker.js';
import {
  createTestDatabase,
  TENANT_A,
  TENANT_B,
  type TestDatabase,
} from '../../queue/test/helpers.js';
import { eventually, type PythonWorker, pythonStep, startPythonWorker } from './python.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('Python and TypeScript on one queue', () => {
  let db: TestDatabase;
  let ts: QueueClient;
  const dir = mkdtempSync(join(tmpdir(), 'jobforge-py-'));
  const workers: PythonWorker[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
    ts = createQueueClient(db.driver());
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop('SIGKILL')));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('Python enqueues connector.run jobs, the TypeScript worker runs them in the sandbox, Python verifies the evidence', async () => {
    const pair = generateSigningKeyPair();
    const keyPath = join(dir, 'host.pem');
    const publicPath = join(dir, 'host.pub');
    writeFileSync(keyPath, pair.privateKeyPem, { mode: 0o600 });
    writeFileSync(publicPath, pair.publicKeyPem);
    const specs = [1, 2, 3, 4, 5].map((n) => ({
      type: 'connector.run',
      payload: {
        connector: 'echo',
        operation: 'echo.say',
        input: { message: `from python ${n}`, uppercase: n % 2 === 0 },
      },
      trace_id: `py-${n}`,
    }));
    const ids = await pythonStep<string[]>('enqueue', db.url, TENANT_A, JSON.stringify(specs));
    expect(ids).toHaveLength(5);

    // The real CLI worker, in its own process: `jobforge worker --drain` exits once the queue is empty.
    const cli = spawn(
      process.execPath,
      [
        join(root, 'cli/bin/jobforge.mjs'),
        'worker',
        '--drain',
        '--json',
        '--key',
        keyPath,
        '--connectors',
        join(root, 'connectors'),
        '--database-url',
        db.url,
        '--log-level',
        'warn',
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    cli.stdout.on('data', (c) => {
      out += c;
    });
    cli.stderr.on('data', (c) => {
      err += c;
    });
    const code = await new Promise<number | null>((resolve) => cli.once('exit', resolve));
    expect(code, err).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ ok: true, succeeded: 5, dead: 0 });

    const checked = await pythonStep<
      {
        id: string;
        status: string;
        attempts: number;
        result: unknown;
        ok: boolean;
        reason: string | null;
        keyid: string;
        connector: string;
        output_hash: string;
        hash_here: string;
      }[]
    >('results', db.url, JSON.stringify(ids), publicPath);
    expect(checked).toHaveLength(5);
    for (const row of checked) {
      expect(row).toMatchObject({
        status: 'succeeded',
        attempts: 1,
        ok: true,
        reason: null,
        keyid: pair.keyId,
        connector: 'echo',
      });
      // The signed output hash is what Python's RFC 8785 hash of the stored result gives.
      expect(row.hash_here).toBe(row.output_hash);
      expect(row.output_hash).toBe(hashOutput(row.result));
    }
    // Another key does not verify them.
    const stranger = join(dir, 'stranger.pub');
    writeFileSync(stranger, generateSigningKeyPair().publicKeyPem);
    const refused = await pythonStep<{ ok: boolean; reason: string }[]>(
      'results',
      db.url,
      JSON.stringify(ids),
      stranger,
    );
    expect(refused.map((r) => r.reason)).toEqual(Array(5).fill('UNKNOWN_KEYID'));
  }, 120_000);

  it('both workers at once on a mixture of types; a SIGKILLed Python worker loses nothing', async () => {
    const tsRan: string[] = [];
    const tsWorker = await runWorker({
      client: createQueueClient(db.driver()),
      types: ['ts.only', 'shared.work'],
      pollMs: 100,
      handlers: {
        'ts.only': async (job) => ({ by: 'typescript', n: (job.payload as { n: number }).n }),
        'shared.work': async (job) => {
          tsRan.push(job.id);
          await new Promise((r) => setTimeout(r, (job.payload as { ms: number }).ms));
          return { by: 'typescript', n: (job.payload as { n: number }).n };
        },
      },
    });
    try {
      const python = startPythonWorker(db.url, [
        '--types',
        'py.only,shared.work',
        '--lease-ms',
        '1500',
        '--poll-ms',
        '100',
      ]);
      workers.push(python);
      const doomed = await ts.enqueue(
        'py.only',
        { hang_first: true },
        { tenantId: TENANT_A, priority: 100 },
      );
      await python.waitFor(new RegExp(`^started ${doomed.id}$`));
      const kinds = ['py.only', 'ts.only', 'shared.work'] as const;
      const mixed = await ts.enqueueMany(
        Array.from({ length: 300 }, (_, n) => ({ type: kinds[n % 3]!, payload: { n, ms: 2 } })),
        { tenantId: TENANT_A },
      );
      await new Promise((r) => setTimeout(r, 300));
      python.child.kill('SIGKILL');
      expect(await python.exited).toBeNull();
      expect(await ts.get(doomed.id)).toMatchObject({ status: 'running', attempts: 1 });

      // Only Python handles py.only: a new Python worker picks the killed job up after its lease.
      const again = startPythonWorker(db.url, [
        '--types',
        'py.only,shared.work',
        '--poll-ms',
        '100',
      ]);
      workers.push(again);
      const all = [doomed.id, ...mixed];
      await eventually(async () => {
        const n = await db.admin(
          `select count(*) as n from jobforge.jobforge_jobs where id = any($1::bigint[]) and status = 'succeeded'`,
          [all],
        );
        return Number(n.rows[0].n) === all.length;
      }, 60_000);
      const job = await ts.get(doomed.id);
      expect(job).toMatchObject({ status: 'succeeded', attempts: 2 });
      expect(job!.attempt_history.map((a) => a.outcome)).toEqual(['lease_expired', 'succeeded']);
      expect(job!.results).toHaveLength(1);
      const by = await db.admin(
        `select r.result->>'by' as by, j.type, count(*)::int as n from jobforge.jobforge_jobs j
           join jobforge.jobforge_job_results r on r.job_id = j.id where j.id = any($1::bigint[])
          group by 1, 2 order by 2, 1`,
        [mixed],
      );
      const counts = Object.fromEntries(by.rows.map((r) => [`${r.type}/${r.by}`, r.n]));
      expect(counts['py.only/python']).toBe(100);
      expect(counts['ts.only/typescript']).toBe(100);
      expect((counts['shared.work/python'] ?? 0) + (counts['shared.work/typescript'] ?? 0)).toBe(
        100,
      );
      // Every job has exactly one result: none ran to completion twice.
      const dupes = await db.admin(
        `select count(*) as n from (select job_id from jobforge.jobforge_job_results where job_id = any($1::bigint[])
           group by job_id having count(*) > 1) d`,
        [all],
      );
      expect(Number(dupes.rows[0].n)).toBe(0);
    } finally {
      await tsWorker.stop();
    }
  }, 90_000);

  it("the Python client works inside the caller's transaction and refuses bad input before SQL", async () => {
    const seen = await pythonStep<Record<string, unknown>>('transaction', db.url, TENANT_A);
    expect(seen).toMatchObject({
      rolled_back_found: false,
      committed: { created: true },
      again: { created: false },
      committed_found: true,
      not_json: 'PAYLOAD_NOT_JSON',
      too_large: 'PAYLOAD_TOO_LARGE',
      no_tenant: 'INVALID_JOB',
      bad_tenant: 'INVALID_TENANT',
      unknown_job: null,
    });
    expect((seen.again as { id: string }).id).toBe((seen.committed as { id: string }).id);
    // What Python committed reads the same through the TypeScript client.
    const job = await ts.get((seen.committed as { id: string }).id, { tenantId: TENANT_A });
    expect(job).toMatchObject({
      type: 'tx.job',
      payload: { n: 2 },
      idempotency_key: 'tx-2',
      status: 'queued',
    });
    await ts.cancel(job!.id, { tenantId: TENANT_A });
  });

  it('tenant isolation holds for the Python client under a non-superuser role', async () => {
    const role = `jobforge_py_app_${randomUUID().slice(0, 8)}`;
    await db.admin(`create role ${role} login password 'py-pw' nosuperuser`);
    await db.admin(`grant jobforge_app to ${role}`);
    try {
      const other = await ts.enqueue('t', { secret: 'of B' }, { tenantId: TENANT_B });
      const url = new URL(db.url);
      url.username = role;
      url.password = 'py-pw';
      const seen = await pythonStep<{
        mine: string;
        rows: [string, string][];
        listed: string[];
        other: unknown;
        other_cancel: unknown;
        other_result: unknown;
        act_for_other: string;
        unbound: string;
        insert: string;
      }>('tenant', url.toString(), TENANT_A, other.id);
      const mineA = (
        await db.admin(`select id::text from jobforge.jobforge_jobs where tenant_id = $1`, [
          TENANT_A,
        ])
      ).rows.map((r) => r.id);
      expect(seen.rows.map(([, tenant]) => tenant)).toEqual(Array(mineA.length).fill(TENANT_A));
      expect(seen.rows.map(([id]) => id).sort()).toEqual([...mineA].sort());
      expect(seen.listed).toContain(seen.mine);
      expect(seen.listed).not.toContain(other.id);
      expect(seen).toMatchObject({
        other: null,
        other_cancel: null,
        other_result: null,
        act_for_other: 'TENANT_FORBIDDEN',
        unbound: 'TENANT_FORBIDDEN',
        insert: 'sqlstate 42501',
      });
      expect(await ts.get(other.id)).toMatchObject({ status: 'queued' });
    } finally {
      await db.admin(`drop owned by ${role}`).catch(() => {});
      await db.admin(`revoke jobforge_app from ${role}`).catch(() => {});
    }
  }, 30_000);
});
