import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueDriver } from '../src/driver.js';
import { migrate } from '../src/migrate.js';
import { readMigrations } from '../src/migrations.js';
import { createQueueClient, type QueueClient } from '../src/queue-client.js';
import { MAX_PAYLOAD_BYTES } from '../src/validate-job.js';
import { DRIVERS } from './drivers.js';

describe.each(DRIVERS)('queue core on $name', ({ open }) => {
  let driver: QueueDriver;
  beforeAll(async () => {
    driver = await open();
  });
  afterAll(async () => {
    await driver.close();
  });
  // Every test has its own tenant, so tests sharing the database never see each other's jobs.
  const client = (): QueueClient => createQueueClient(driver, { tenantId: randomUUID() });
  const worker = 'test-worker';

  it('runs a job through enqueue, claim and complete, keeping the result and the attempt', async () => {
    const q = client();
    const { id, created } = await q.enqueue(
      'mail.send',
      { to: 'a@example.test' },
      { traceId: 't-1' },
    );
    expect(created).toBe(true);
    const [job, ...rest] = await q.claim({ workerId: worker, limit: 5 });
    expect(rest).toEqual([]);
    expect(job).toMatchObject({
      id,
      status: 'running',
      attempts: 1,
      trace_id: 't-1',
    });
    expect(job!.payload).toEqual({ to: 'a@example.test' });
    expect(await q.get(id)).toMatchObject({ status: 'running', locked_by: worker });
    const done = await q.complete([
      { id, lease: job!.lease, outcome: { ok: true, result: { sent: 1 }, evidence: { sig: 'x' } } },
    ]);
    expect(done).toEqual([{ id, status: 'succeeded' }]);
    const details = await q.get(id);
    expect(details).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(details!.results).toMatchObject([
      { status: 'succeeded', result: { sent: 1 }, evidence: { sig: 'x' } },
    ]);
    expect(details!.attempt_history).toMatchObject([
      { attempt: 1, outcome: 'succeeded', worker_id: worker },
    ]);
    expect(await q.claim({ workerId: worker, limit: 5 })).toEqual([]);
  });

  it('returns the same job for the same idempotency key, alone and in bulk', async () => {
    const q = client();
    const first = await q.enqueue('t', { n: 1 }, { idempotencyKey: 'k1' });
    const again = await q.enqueue('t', { n: 2 }, { idempotencyKey: 'k1' });
    expect(again).toEqual({ id: first.id, created: false });
    const other = await q.enqueue('other-type', { n: 3 }, { idempotencyKey: 'k1' });
    expect(other.id).not.toBe(first.id);
    const ids = await q.enqueueMany([
      { type: 't', payload: 1 },
      { type: 't', payload: 2, idempotencyKey: 'k1' },
      { type: 't', payload: 3, idempotencyKey: 'k2' },
      { type: 't', payload: 4 },
      { type: 't', payload: 5, idempotencyKey: 'k2' },
    ]);
    expect(ids[1]).toBe(first.id);
    expect(ids[4]).toBe(ids[2]);
    expect(new Set(ids).size).toBe(4);
    const payloads = await Promise.all(ids.map(async (id) => (await q.get(id))!.payload));
    expect(payloads).toEqual([1, { n: 1 }, 3, 4, 3]);
  });

  it('gives a batch new jobs ids rising in input order, keyed or not, whatever their types', async () => {
    // Ordering keys run jobs in id order, so ids must follow the order the caller gave.
    const q = client();
    const ids = await q.enqueueMany([
      { type: 'z', payload: 0, idempotencyKey: 'k9' },
      { type: 'b', payload: 1 },
      { type: 'a', payload: 2, idempotencyKey: 'k1' },
      { type: 'a', payload: 3 },
      { type: 'b', payload: 4, idempotencyKey: 'k5' },
    ]);
    const numeric = ids.map((id) => BigInt(id));
    expect(numeric).toEqual([...numeric].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
    expect(new Set(ids).size).toBe(5);
  });

  it('retries a retryable failure with backoff until max_attempts, then dead, recording each attempt', async () => {
    const q = client();
    const { id } = await q.enqueue('flaky', {}, { maxAttempts: 3 });
    for (let attempt = 1; attempt <= 3; attempt++) {
      const [job] = await q.claim({ workerId: worker, limit: 1 });
      expect(job).toMatchObject({ id, attempts: attempt });
      const error = { code: 'UPSTREAM_503', message: `try ${attempt}` };
      const [done] = await q.complete([
        {
          id,
          lease: job!.lease,
          outcome: { ok: false, error, retryInMs: attempt === 1 ? 60_000 : 0 },
        },
      ]);
      expect(done!.status).toBe(attempt < 3 ? 'failed' : 'dead');
      if (attempt === 1) {
        // Backing off: not claimable until run_at.
        expect(await q.claim({ workerId: worker, limit: 1 })).toEqual([]);
        const details = await q.get(id);
        expect(Date.parse(details!.run_at)).toBeGreaterThan(Date.now() + 50_000);
        await driver.query('update jobforge.jobforge_jobs set run_at = now() where id = $1', [id]);
      }
    }
    const details = await q.get(id);
    expect(details).toMatchObject({
      status: 'dead',
      last_error: { code: 'UPSTREAM_503', message: 'try 3' },
    });
    expect(details!.attempt_history.map((a) => a.error?.message)).toEqual([
      'try 1',
      'try 2',
      'try 3',
    ]);
    expect(details!.results).toMatchObject([{ status: 'dead', error: { code: 'UPSTREAM_503' } }]);
  });

  it('computes capped exponential backoff with jitter when the worker gives no delay', async () => {
    const q = client();
    const { id } = await q.enqueue('flaky', {}, { backoffBaseMs: 10_000, backoffMaxMs: 15_000 });
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      const [job] = await q.claim({ workerId: worker, limit: 1 });
      const before = Date.now();
      await q.complete([
        { id, lease: job!.lease, outcome: { ok: false, error: { code: 'E', message: 'x' } } },
      ]);
      delays.push(Date.parse((await q.get(id))!.run_at) - before);
      await driver.query(`update jobforge.jobforge_jobs set run_at = now() where id = $1`, [id]);
    }
    // attempt 1: [5 s, 10 s); attempt 2: [10 s, 20 s) capped at 15 s → [7.5 s, 15 s); attempt 3 likewise.
    expect(delays[0]).toBeGreaterThanOrEqual(4_000);
    expect(delays[0]).toBeLessThan(10_500);
    for (const d of delays.slice(1)) {
      expect(d).toBeGreaterThanOrEqual(6_500);
      expect(d).toBeLessThan(15_500);
    }
  });

  it('makes a non-retryable failure dead at once', async () => {
    const q = client();
    const { id } = await q.enqueue('t', {});
    const [job] = await q.claim({ workerId: worker, limit: 1 });
    const [done] = await q.complete([
      {
        id,
        lease: job!.lease,
        outcome: { ok: false, retryable: false, error: { code: 'BAD_INPUT', message: 'no' } },
      },
    ]);
    expect(done!.status).toBe('dead');
  });

  it('cancels only queued jobs and reschedules dead ones with fresh attempts', async () => {
    const q = client();
    const a = await q.enqueue('t', { a: 1 });
    const b = await q.enqueue('t', { b: 1 }, { runAt: new Date(Date.now() + 60_000) });
    expect(await q.cancel(b.id)).toEqual({ id: b.id, status: 'canceled', changed: true });
    const [job] = await q.claim({ workerId: worker, limit: 5 });
    expect(job!.id).toBe(a.id);
    expect(await q.cancel(a.id)).toEqual({ id: a.id, status: 'running', changed: false });
    await q.complete([
      {
        id: a.id,
        lease: job!.lease,
        outcome: { ok: false, retryable: false, error: { code: 'X', message: 'x' } },
      },
    ]);
    expect(await q.reschedule(a.id)).toEqual({ id: a.id, status: 'queued', changed: true });
    expect(await q.get(a.id)).toMatchObject({ status: 'queued', attempts: 0 });
    expect(await q.cancel('999999999')).toBeNull();
  });

  it('refuses payloads over the limit and values that are not JSON, with clear errors', async () => {
    const q = client();
    const big = { blob: 'x'.repeat(MAX_PAYLOAD_BYTES) };
    await expect(q.enqueue('t', big)).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    await expect(
      q.enqueueMany([
        { type: 't', payload: 1 },
        { type: 't', payload: big },
      ]),
    ).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      where: 'jobs[1].payload',
    });
    // The database enforces the limit too, for callers that skip the client.
    const tenant = randomUUID();
    await expect(
      driver.query(`select jobforge.jobforge_enqueue_job('t', $1::jsonb, '{}', $2)`, [
        JSON.stringify(big),
        tenant,
      ]),
    ).rejects.toMatchObject({ code: 'JF001' });
    await expect(q.enqueue('t', { n: 10n })).rejects.toMatchObject({
      code: 'PAYLOAD_NOT_JSON',
      message: /\$\.n is a bigint/,
    });
    await expect(q.enqueue('t', { d: new Date() })).rejects.toMatchObject({
      code: 'PAYLOAD_NOT_JSON',
    });
    await expect(q.enqueue('t', Number.NaN)).rejects.toMatchObject({ code: 'PAYLOAD_NOT_JSON' });
    await expect(q.enqueue('t', {}, { tenantId: 'tenant-1' })).rejects.toMatchObject({
      code: 'INVALID_TENANT',
    });
    await expect(q.enqueue('', {})).rejects.toMatchObject({ code: 'INVALID_JOB' });
    await expect(q.enqueue('t', {}, { runAt: 'tomorrow' })).rejects.toMatchObject({
      code: 'INVALID_TIME',
    });
  });

  it('runs jobs sharing an ordering key one at a time, in enqueue order', async () => {
    const q = client();
    const [k1, k2, k3] = await q.enqueueMany([
      { type: 't', payload: 1, orderingKey: 'acct-7' },
      { type: 't', payload: 2, orderingKey: 'acct-7' },
      { type: 't', payload: 3, orderingKey: 'acct-7' },
    ]);
    const free = await q.enqueue('t', { free: true }, { priority: -1 });
    let claimed = await q.claim({ workerId: worker, limit: 10 });
    expect(claimed.map((j) => j.id)).toEqual([k1, free.id]);
    // The head fails and backs off: the rest of its key wait behind it.
    await q.complete([
      {
        id: k1!,
        lease: claimed[0]!.lease,
        outcome: { ok: false, error: { code: 'E', message: 'x' }, retryInMs: 0 },
      },
    ]);
    claimed = await q.claim({ workerId: worker, limit: 10 });
    expect(claimed.map((j) => j.id)).toEqual([k1]);
    await q.complete([{ id: k1!, lease: claimed[0]!.lease, outcome: { ok: true } }]);
    claimed = await q.claim({ workerId: worker, limit: 10 });
    expect(claimed.map((j) => j.id)).toEqual([k2]);
    await q.complete([{ id: k2!, lease: claimed[0]!.lease, outcome: { ok: true } }]);
    expect((await q.claim({ workerId: worker, limit: 10 })).map((j) => j.id)).toEqual([k3]);
  });

  it('claims by priority, then run_at, and never a job before its run_at', async () => {
    const q = client();
    const low = await q.enqueue('t', 'low');
    const high = await q.enqueue('t', 'high', { priority: 5 });
    await q.enqueue('t', 'later', { runAt: new Date(Date.now() + 60_000), priority: 9 });
    const claimed = await q.claim({ workerId: worker, limit: 10 });
    expect(claimed.map((j) => j.id)).toEqual([high.id, low.id]);
  });

  it('gives an expired lease back to the queue, records it, and fences the old holder out', async () => {
    const q = client();
    const { id } = await q.enqueue('t', {});
    const [first] = await q.claim({ workerId: 'dies', limit: 1, leaseMs: 1 });
    await new Promise((r) => setTimeout(r, 20));
    const [second] = await q.claim({ workerId: 'lives', limit: 1 });
    expect(second).toMatchObject({ id, attempts: 2 });
    expect(await q.get(id)).toMatchObject({ locked_by: 'lives' });
    expect(second!.lease).not.toBe(first!.lease);
    // The first holder's late result is refused: its lease is gone.
    expect(await q.complete([{ id, lease: first!.lease, outcome: { ok: true } }])).toEqual([]);
    expect(await q.complete([{ id, lease: second!.lease, outcome: { ok: true } }])).toEqual([
      { id, status: 'succeeded' },
    ]);
    const details = await q.get(id);
    expect(details!.attempt_history.map((a) => a.outcome)).toEqual(['lease_expired', 'succeeded']);
  });

  it('extends leases on heartbeat and releases jobs without spending an attempt', async () => {
    const q = client();
    const { id } = await q.enqueue('t', {});
    const [job] = await q.claim({ workerId: worker, limit: 1, leaseMs: 1000 });
    const before = Date.parse(job!.locked_until!);
    expect(await q.heartbeat([job!.lease], 60_000)).toEqual([id]);
    expect(Date.parse((await q.get(id))!.locked_until!)).toBeGreaterThan(before + 50_000);
    expect(await q.release([{ id, lease: job!.lease }])).toEqual([id]);
    expect(await q.get(id)).toMatchObject({ status: 'queued', attempts: 0 });
    expect(await q.heartbeat([job!.lease])).toEqual([]);
  });

  it('lists newest first, filtered by status and type', async () => {
    const q = client();
    const a = await q.enqueue('a', 1);
    const b = await q.enqueue('b', 2);
    const c = await q.enqueue('a', 3);
    await q.cancel(c.id);
    expect((await q.list()).map((j) => j.id)).toEqual([c.id, b.id, a.id]);
    expect((await q.list({ status: 'queued', type: 'a' })).map((j) => j.id)).toEqual([a.id]);
    expect((await q.list({ beforeId: c.id, limit: 1 })).map((j) => j.id)).toEqual([b.id]);
  });

  it('reports migrations already applied on a second run', async () => {
    const result = await migrate(driver);
    expect(result.applied).toEqual([]);
    expect(result.present).toEqual((await readMigrations()).map((m) => m.name));
  });
});
