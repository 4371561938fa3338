import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueDriver } from '../src/driver.js';
import { createQueueClient } from '../src/queue-client.js';
import { DRIVERS } from './drivers.js';
import { createTestDatabase, TENANT_A, TENANT_B } from './helpers.js';

describe.each(DRIVERS)('jobforge_complete_and_start on $name', ({ open }) => {
  let driver: QueueDriver;
  beforeAll(async () => {
    driver = await open();
  });
  afterAll(async () => {
    await driver.close();
  });

  it('records completions, starts reserved jobs and claims more, in one call', async () => {
    const q = createQueueClient(driver, { tenantId: randomUUID() });
    const ids = await q.enqueueMany(
      ['a', 'b', 'c', 'd'].map((name) => ({ type: 'cycle', payload: { name } })),
    );
    // One started, one reserved.
    const [first, reserved] = await q.claim({ workerId: 'w', limit: 2, start: 1 });
    expect(first).toMatchObject({ id: ids[0], started: true, attempts: 1 });
    expect(reserved).toMatchObject({ id: ids[1], started: false, attempts: 0 });

    const answer = await q.completeAndStart(
      [
        { id: first!.id, lease: first!.lease, outcome: { ok: true, result: { n: 1 } } },
        // A completion under a lease this worker never held is left out, as complete does.
        { id: ids[2]!, lease: randomUUID(), outcome: { ok: true } },
      ],
      [{ id: reserved!.id, lease: reserved!.lease }],
      { workerId: 'w', limit: 5, start: 1 },
    );
    expect(answer.done).toEqual([{ id: ids[0], status: 'succeeded' }]);
    expect(answer.started).toEqual([{ id: ids[1], attempts: 1 }]);
    expect(answer.claimed?.map((j) => [j.id, j.started])).toEqual([
      [ids[2], true],
      [ids[3], false],
    ]);
    const lease = answer.claimed![0]!.lease;
    expect(answer.claimed!.every((j) => j.lease === lease)).toBe(true);

    // Every record a completion keeps: the status, the attempt row and the result row.
    const done = await q.get(ids[0]!);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(done!.attempt_history).toMatchObject([{ attempt: 1, outcome: 'succeeded' }]);
    expect(done!.results).toMatchObject([{ status: 'succeeded', result: { n: 1 } }]);
    expect(await q.get(ids[1]!)).toMatchObject({ status: 'running', attempts: 1 });
  });

  it('without a claim answers claimed: undefined, and retries and dead letters as complete does', async () => {
    const q = createQueueClient(driver, { tenantId: randomUUID() });
    const [id] = await q.enqueueMany([{ type: 'cycle', payload: {}, maxAttempts: 1 }]);
    const [job] = await q.claim({ workerId: 'w', limit: 1 });
    const answer = await q.completeAndStart(
      [
        {
          id: job!.id,
          lease: job!.lease,
          outcome: { ok: false, retryable: true, error: { code: 'E', message: 'no' } },
        },
      ],
      [],
    );
    expect(answer).toEqual({ done: [{ id, status: 'dead' }], started: [] });
    expect((await q.get(id!))!.results).toMatchObject([{ status: 'dead', error: { code: 'E' } }]);
  });

  it('refuses arguments of the wrong JSON shape with JF004', async () => {
    await expect(
      driver.query(
        `select jobforge.jobforge_complete_and_start('{}'::jsonb, '[]'::jsonb, null, $1)`,
        [randomUUID()],
      ),
    ).rejects.toMatchObject({ code: 'JF004' });
  });
});

describe('jobforge_complete_and_start on a tenant-bound session', () => {
  it('acts for its own tenant only, and commits the completions synchronously', async () => {
    const db = await createTestDatabase();
    const a = createQueueClient(db.driver({ tenantId: TENANT_A }));
    const b = createQueueClient(db.driver({ tenantId: TENANT_B }));
    const [idA] = await a.enqueueMany([{ type: 'cycle', payload: {} }]);
    const [idB] = await b.enqueueMany([{ type: 'cycle', payload: {} }]);
    const [jobA] = await a.claim({ workerId: 'wa', limit: 5 });
    expect(jobA!.id).toBe(idA);
    const [jobB] = await b.claim({ workerId: 'wb', limit: 5 });

    // Tenant A names B's job with B's own lease: nothing happens to it.
    const answer = await a.completeAndStart(
      [{ id: jobB!.id, lease: jobB!.lease, outcome: { ok: true } }],
      [{ id: jobB!.id, lease: jobB!.lease }],
      { workerId: 'wa', limit: 5 },
    );
    expect(answer).toEqual({ done: [], started: [], claimed: [] });
    expect(await b.get(idB!)).toMatchObject({ status: 'running' });
    // A cycle that records completions commits synchronously, even though the claim inside turns
    // synchronous_commit off for its transaction; a start-only cycle does not wait for the flush.
    // (Two statements in one simple query run in one transaction.)
    const setting = async (items: string) => {
      const results = (await db.admin(
        `select jobforge.jobforge_complete_and_start('${items}'::jsonb, '[]'::jsonb,
           '{"worker_id": "wc", "limit": 1}'::jsonb, null);
         show synchronous_commit`,
      )) as unknown as { rows: unknown[] }[];
      return results[1]!.rows;
    };
    const stranger = `[{"id": "${idA}", "lease": "${randomUUID()}", "ok": true}]`;
    expect(await setting(stranger)).toEqual([{ synchronous_commit: 'on' }]);
    expect(await setting('[]')).toEqual([{ synchronous_commit: 'off' }]);
  });
});
