import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createQueueClient } from '../src/queue-client.js';
import { runWorker } from '../src/run-worker.js';
import { createTestDatabase, type TestDatabase, until } from './helpers.js';

describe('worker hardening', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });

  it('claims no more than it can start before it has timed a handler', async () => {
    const tenantId = randomUUID();
    const client = createQueueClient(db.driver(), { tenantId });
    await client.enqueueMany(Array.from({ length: 100 }, (_, i) => ({ type: 'slow', payload: i })));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const worker = await runWorker({ client, handlers: { slow: () => gate }, concurrency: 5 });
    const running = async () =>
      (await client.list({ status: 'running', limit: 1000, tenantId })).length;
    try {
      await until('five running jobs', async () => (await running()) === 5);
      await new Promise((r) => setTimeout(r, 300));
      expect(await running()).toBe(5);
    } finally {
      release();
      await worker.stop();
    }
  });

  it("a tenant's claim leaves other tenants' expired leases alone", async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const trusted = createQueueClient(db.driver());
    const { id } = await trusted.enqueue('t', {}, { tenantId: b });
    await trusted.claim({ workerId: 'w-b', limit: 10, leaseMs: 1, types: ['t'] });
    await new Promise((r) => setTimeout(r, 20));
    const bound = createQueueClient(db.driver({ tenantId: a }), { tenantId: a });
    expect(await bound.claim({ workerId: 'w-a', limit: 10 })).toEqual([]);
    await db.driver({ tenantId: a }).query('select jobforge.jobforge_expire_leases()');
    const job = await trusted.get(id, { tenantId: b });
    expect(job).toMatchObject({ status: 'running', attempt_history: [] });
    // A trusted claim recovers it.
    await trusted.claim({ workerId: 'w-t', limit: 0 });
    expect(await trusted.get(id, { tenantId: b })).toMatchObject({ status: 'queued' });
  });
});
