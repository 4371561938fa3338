import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgDriver } from '../src/pg-driver.js';
import { createQueueClient, type QueueClient } from '../src/queue-client.js';
import { createTestDatabase, TENANT_A, TENANT_B, type TestDatabase } from './helpers.js';

// A real non-superuser login role, member of jobforge_app, connecting with app.tenant_id = A.
describe('row-level security for an application role', () => {
  let db: TestDatabase;
  const role = `jobforge_test_app_${randomBytes(4).toString('hex')}`;
  let asA: QueueClient;
  let trusted: QueueClient;
  let bJob: { id: string };
  let appUrl: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.admin(`create role ${role} login password 'app-pw' nosuperuser`);
    await db.admin(`grant jobforge_app to ${role}`);
    const url = new URL(db.url);
    url.username = role;
    url.password = 'app-pw';
    appUrl = url.toString();
    asA = createQueueClient(db.driver({ url: appUrl, tenantId: TENANT_A }));
    trusted = createQueueClient(db.driver());
    bJob = await trusted.enqueue('t', { secret: 'of B' }, { tenantId: TENANT_B });
  });
  afterAll(async () => {
    await db.admin(`drop owned by ${role}`).catch(() => {});
    await db.admin(`revoke jobforge_app from ${role}`).catch(() => {});
  });

  it('reads only its own tenant, through the tables and through the functions', async () => {
    const mine = await asA.enqueue('t', { mine: true });
    const app = db.driver({ url: appUrl, tenantId: TENANT_A });
    const rows = await app.query<{ id: string; tenant_id: string }>(
      'select id::text, tenant_id from jobforge.jobforge_jobs',
    );
    expect(rows).toEqual([{ id: mine.id, tenant_id: TENANT_A }]);
    expect((await asA.list()).map((j) => j.id)).toEqual([mine.id]);
    expect(await asA.get(bJob.id)).toBeNull();
  });

  it('cannot claim, complete, cancel or reschedule another tenant’s job', async () => {
    const claimed = await asA.claim({ workerId: 'a', limit: 100 });
    expect(claimed.every((j) => j.tenant_id === TENANT_A)).toBe(true);
    expect(claimed.map((j) => j.id)).not.toContain(bJob.id);
    // Even holding B's lease token (as if leaked), A's completion is refused.
    const [bClaim] = await createQueueClient(db.driver(), { tenantId: TENANT_B }).claim({
      workerId: 'b',
      limit: 1,
    });
    expect(bClaim!.id).toBe(bJob.id);
    expect(
      await asA.complete([{ id: bJob.id, lease: bClaim!.lease, outcome: { ok: true } }]),
    ).toEqual([]);
    expect(await asA.heartbeat([bClaim!.lease])).toEqual([]);
    expect(await asA.release([{ id: bJob.id, lease: bClaim!.lease }])).toEqual([]);
    expect(await asA.cancel(bJob.id)).toBeNull();
    expect(await asA.reschedule(bJob.id)).toBeNull();
    expect(await trusted.get(bJob.id, { tenantId: TENANT_B })).toMatchObject({ status: 'running' });
  });

  it('cannot act for another tenant by argument, nor write the tables directly', async () => {
    await expect(asA.enqueue('t', {}, { tenantId: TENANT_B })).rejects.toMatchObject({
      code: 'TENANT_FORBIDDEN',
    });
    await expect(asA.list({ tenantId: TENANT_B })).rejects.toMatchObject({
      code: 'TENANT_FORBIDDEN',
    });
    const app = db.driver({ url: appUrl, tenantId: TENANT_A });
    await expect(
      app.query(
        `insert into jobforge.jobforge_jobs (tenant_id, type, payload) values ($1, 't', '{}')`,
        [TENANT_A],
      ),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(
      app.query(`update jobforge.jobforge_jobs set status = 'succeeded'`),
    ).rejects.toMatchObject({
      code: '42501',
    });
    await expect(app.query('delete from jobforge.jobforge_job_results')).rejects.toMatchObject({
      code: '42501',
    });
  });

  it('without app.tenant_id it may do nothing; with a malformed one it gets a clear error', async () => {
    const unbound = createQueueClient(db.driver({ url: appUrl }));
    await expect(unbound.enqueue('t', {}, { tenantId: TENANT_A })).rejects.toMatchObject({
      code: 'TENANT_FORBIDDEN',
    });
    await expect(unbound.claim({ workerId: 'x', limit: 1 })).rejects.toMatchObject({
      code: 'TENANT_FORBIDDEN',
    });
    const raw = createPgDriver({ connectionString: appUrl });
    try {
      expect(await raw.query('select count(*)::int as n from jobforge.jobforge_jobs')).toEqual([
        { n: 0 },
      ]);
      const tx = async () => {
        await raw.query(`select set_config('app.tenant_id', 'not-a-uuid', false)`);
        return raw.query(`select jobforge.jobforge_list_jobs()`);
      };
      await expect(tx()).rejects.toMatchObject({ code: 'JF003', message: /must be a UUID/ });
    } finally {
      await raw.close();
    }
  });

  it('a trusted worker role (member of jobforge_worker) acts for every tenant', async () => {
    const workerRole = `${role}_w`;
    await db.admin(`create role ${workerRole} login password 'w-pw' nosuperuser`);
    await db.admin(`grant jobforge_worker to ${workerRole}`);
    try {
      const url = new URL(db.url);
      url.username = workerRole;
      url.password = 'w-pw';
      const worker = createQueueClient(db.driver({ url: url.toString() }));
      const { id } = await worker.enqueue('t', {}, { tenantId: TENANT_B });
      await worker.enqueue('t', {}, { tenantId: TENANT_A });
      expect(new Set((await worker.list()).map((j) => j.tenant_id))).toEqual(
        new Set([TENANT_A, TENANT_B]),
      );
      expect(await worker.get(id)).toMatchObject({ tenant_id: TENANT_B });
    } finally {
      await db.admin(`revoke jobforge_worker from ${workerRole}`);
    }
  });
});
