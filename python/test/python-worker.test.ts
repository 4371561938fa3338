import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createQueueClient, type QueueClient } from '../../queue/src/queue-client.js';
import { createTestDatabase, type TestDatabase } from '../../queue/test/helpers.js';
import { eventually, type PythonWorker, startPythonWorker } from './python.js';

// The Python worker (python -m jobforge.worker) on jobs the TypeScript client enqueues and reads.
describe('the Python worker, driven and read from TypeScript', () => {
  let db: TestDatabase;
  let ts: QueueClient;
  const tenant = randomUUID();
  const workers: PythonWorker[] = [];
  const start = (...args: string[]) => {
    const worker = startPythonWorker(db.url, ['--poll-ms', '100', ...args]);
    workers.push(worker);
    return worker;
  };
  const count = async (where: string) =>
    Number(
      (await db.admin(`select count(*) as n from jobforge.jobforge_jobs where ${where}`)).rows[0].n,
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    ts = createQueueClient(db.driver(), { tenantId: tenant });
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop('SIGKILL')));
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
  });

  it('runs 1,000 jobs TypeScript enqueued; attempts, results and statuses read the same in TypeScript', async () => {
    const ids = await ts.enqueueMany(
      Array.from({ length: 1000 }, (_, n) => ({
        type: 'py.square',
        payload: { n },
        traceId: `sq-${n}`,
      })),
    );
    const worker = start('--concurrency', '10', '--types', 'py.square');
    await eventually(
      async () => (await count(`type = 'py.square' and status = 'succeeded'`)) === 1000,
      60_000,
    );
    const rows = await db.admin(
      `select j.id::text, j.status, j.attempts, j.payload, r.result, r.attempt, a.outcome, a.worker_id
         from jobforge.jobforge_jobs j join jobforge.jobforge_job_results r on r.job_id = j.id
         join jobforge.jobforge_job_attempts a on a.job_id = j.id where j.type = 'py.square' order by j.id`,
    );
    expect(rows.rows).toHaveLength(1000);
    for (const row of rows.rows) {
      expect(row).toMatchObject({
        status: 'succeeded',
        attempts: 1,
        attempt: 1,
        outcome: 'succeeded',
      });
      expect(row.result).toEqual({ square: row.payload.n ** 2, by: 'python', attempt: 1 });
      expect(row.worker_id).toMatch(/:\d+:[a-z0-9]{6}$/);
    }
    // Every one of them through the TypeScript client too.
    const listed = await ts.list({ type: 'py.square', limit: 1000 });
    expect(listed.map((j) => j.id).sort()).toEqual([...ids].sort());
    expect(listed.every((j) => j.status === 'succeeded' && j.attempts === 1)).toBe(true);
    const job = await ts.get(ids[500]!);
    expect(job).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      trace_id: 'sq-500',
      last_error: null,
    });
    expect(job!.results).toEqual([
      expect.objectContaining({
        attempt: 1,
        status: 'succeeded',
        result: { square: 250000, by: 'python', attempt: 1 },
      }),
    ]);
    expect(job!.attempt_history.map((a) => a.outcome)).toEqual(['succeeded']);
    expect(await worker.stop('SIGTERM')).toBe(0);
    const logs = worker.logs();
    expect(logs.find((l) => l.msg === 'worker stopped')).toMatchObject({
      claimed: 1000,
      succeeded: 1000,
      dead: 0,
    });
    expect(logs.find((l) => l.msg === 'job succeeded' && l.job_id === ids[500])).toMatchObject({
      trace_id: 'sq-500',
      type: 'py.square',
    });
  }, 90_000);

  it('records bad input as TypeScript does: exceptions, JobFailure, unknown types, timeouts', async () => {
    const raised = await ts.enqueue(
      'py.raise',
      { n: 7 },
      { maxAttempts: 2, backoffBaseMs: 10, backoffMaxMs: 10 },
    );
    const failed = await ts.enqueue('py.fail', {});
    const unknown = await ts.enqueue('py.nobody', {});
    const hung = await ts.enqueue('py.hang', {}, { maxAttempts: 1 });
    const worker = start('--job-timeout-ms', '500');
    const ids = [raised.id, failed.id, unknown.id, hung.id];
    await eventually(
      async () => (await count(`id in (${ids.join(',')}) and status = 'dead'`)) === 4,
    );

    const r = await ts.get(raised.id);
    expect(r!.attempt_history.map((a) => [a.outcome, a.error])).toEqual([
      ['failed', { code: 'HANDLER_ERROR', message: 'ValueError: bad input 7' }],
      ['failed', { code: 'HANDLER_ERROR', message: 'ValueError: bad input 7' }],
    ]);
    expect(r!.results).toEqual([expect.objectContaining({ status: 'dead', attempt: 2 })]);
    const f = await ts.get(failed.id);
    expect(f).toMatchObject({
      attempts: 1,
      last_error: { code: 'UPSTREAM_4XX', message: 'the API refused the request' },
    });
    expect(f!.results[0]).toMatchObject({ status: 'dead', evidence: { status: 400 } });
    const u = await ts.get(unknown.id);
    expect(u!.last_error).toMatchObject({ code: 'UNKNOWN_JOB_TYPE' });
    expect(String((u!.last_error as { message: string }).message)).toMatch(
      /"py\.nobody".*py\.square/,
    );
    const h = await ts.get(hung.id);
    expect(h!.last_error).toEqual({
      code: 'JOB_TIMEOUT',
      message: 'the handler ran longer than 500 ms',
    });
    await worker.waitFor(new RegExp(`^cancelled ${hung.id}$`));
  }, 30_000);

  it('SIGTERM: finishes the job in flight, releases what it prefetched, exits 0', async () => {
    const worker = start('--concurrency', '1');
    const slow = await ts.enqueue('py.slow', { ms: 800 }, { priority: 10 });
    await worker.waitFor(new RegExp(`^started ${slow.id}$`));
    const queued = await ts.enqueueMany(
      [1, 2, 3].map((n) => ({ type: 'py.slow', payload: { ms: 5000, n } })),
    );
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    const job = await ts.get(slow.id);
    expect(job).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(job!.results[0]!.evidence).toEqual({ slept_ms: 800 });
    for (const id of queued)
      expect(await ts.get(id)).toMatchObject({ status: 'queued', attempts: 0 });
    await db.admin(
      `update jobforge.jobforge_jobs set status = 'canceled' where id = any($1::bigint[])`,
      [queued],
    );
  }, 30_000);

  it('a second signal exits at once, leaving the job in flight to its lease', async () => {
    const worker = start('--concurrency', '1');
    const slow = await ts.enqueue('py.slow', { ms: 20_000 });
    await worker.waitFor(new RegExp(`^started ${slow.id}$`));
    worker.child.kill('SIGTERM');
    await eventually(async () => worker.logs().some((l) => l.msg === 'waiting for in-flight jobs'));
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(143);
    expect(worker.logs().map((l) => l.msg)).toContain('second signal: exiting now');
    expect(await ts.get(slow.id)).toMatchObject({ status: 'running', attempts: 1 });
    await db.admin(
      `update jobforge.jobforge_jobs set status = 'canceled', lease_token = null where id = $1`,
      [slow.id],
    );
  }, 30_000);

  it('reconnects with backoff when the database drops its connections', async () => {
    const worker = start();
    const first = await ts.enqueue('py.square', { n: 3 });
    await eventually(async () => (await ts.get(first.id))?.status === 'succeeded');
    const killed = await db.admin(
      `select count(pg_terminate_backend(pid)) as n from pg_stat_activity
        where datname = current_database() and application_name = 'jobforge-python-worker'`,
    );
    expect(Number(killed.rows[0].n)).toBeGreaterThanOrEqual(1);
    const second = await ts.enqueue('py.square', { n: 4 });
    await eventually(async () => (await ts.get(second.id))?.status === 'succeeded');
    expect(await worker.stop()).toBe(0);
    const messages = worker.logs().map((l) => l.msg);
    expect(messages).toEqual(
      expect.arrayContaining([
        'database unreachable; retrying',
        'database reachable again',
        'LISTEN connection lost; polling until it is back',
        'worker stopped',
      ]),
    );
  }, 30_000);
});
