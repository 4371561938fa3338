import { randomBytes, randomUUID } from 'node:crypto';
import { createQueueClient } from '@jobforge/queue';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../queue/test/helpers.js';
import { listAudit } from '../src/audit-list.js';
import { createGovernor } from '../src/governor.js';
import { ALL_ON } from './_setup.js';
import { connectSession } from './app-session.js';

// Row-level security is what a non-superuser application role meets, so this runs on the server
// with a real login role (PGlite's only user is a superuser, which RLS never applies to).
describe('project scope and tenant isolation of the audit log (application role)', () => {
  let db: TestDatabase;
  const role = `jobforge_gov_app_${randomBytes(4).toString('hex')}`;
  const tenantA = randomUUID();
  const tenantB = randomUUID();
  const projectP = randomUUID();
  const projectQ = randomUUID();
  const clients: pg.Client[] = [];

  const session = (settings: Record<string, string>) =>
    connectSession(db.url, settings, role, clients);

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.admin(`create role ${role} login password 'app-pw' nosuperuser`);
    await db.admin(`grant jobforge_app to ${role}`);
    // The trusted host enqueues into both projects of A and into B, audited.
    const host = createGovernor({ client: createQueueClient(db.driver()), env: ALL_ON });
    await host.enqueue('p.job', { n: 1 }, { tenantId: tenantA, projectId: projectP, actor: 'svc' });
    await host.enqueue('q.job', { n: 2 }, { tenantId: tenantA, projectId: projectQ, actor: 'svc' });
    await host.enqueue('b.job', { n: 3 }, { tenantId: tenantB, actor: 'svc' });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => {})));
    await db.admin(`drop owned by ${role}`).catch(() => {});
    await db.admin(`revoke jobforge_app from ${role}`).catch(() => {});
  });

  it('stamps jobs with their project and copies it to attempts and results', async () => {
    const rows = await db.admin(
      'select type, project_id from jobforge.jobforge_jobs where tenant_id = $1 order by id',
      [tenantA],
    );
    expect(rows.rows).toEqual([
      { type: 'p.job', project_id: projectP },
      { type: 'q.job', project_id: projectQ },
    ]);
    const worker = createQueueClient(db.driver(), { tenantId: tenantA });
    const [job] = await worker.claim({ workerId: 'w', limit: 1, types: ['p.job'] });
    await worker.complete([{ id: job!.id, lease: job!.lease, outcome: { ok: true } }]);
    const copied = await db.admin(
      `select (select project_id from jobforge.jobforge_job_attempts where job_id = $1) a,
              (select project_id from jobforge.jobforge_job_results where job_id = $1) r`,
      [job!.id],
    );
    expect(copied.rows[0]).toEqual({ a: projectP, r: projectP });
  });

  it('a session scoped to project P of tenant A sees nothing of project Q or of tenant B', async () => {
    const inP = await session({ 'app.tenant_id': tenantA, 'app.project_id': projectP });
    const jobs = await inP.query('select type from jobforge.jobforge_jobs');
    expect(jobs.rows).toEqual([{ type: 'p.job' }]);
    const audit = await inP.query('select target, project_id from jobforge.jobforge_audit_log');
    expect(audit.rows.every((r: { project_id: string }) => r.project_id === projectP)).toBe(true);
    expect(audit.rows.length).toBeGreaterThan(0);
    const results = await inP.query('select project_id from jobforge.jobforge_job_results');
    expect(results.rows.every((r: { project_id: string }) => r.project_id === projectP)).toBe(true);
    // Through the function too, and a project argument cannot widen the session's scope.
    const listed = await inP.query(`select jobforge.jobforge_audit_list('{}') as r`);
    expect(listed.rows[0].r.every((r: { project_id: string }) => r.project_id === projectP)).toBe(
      true,
    );
    await expect(
      inP.query(`select jobforge.jobforge_audit_list($1::jsonb) as r`, [
        JSON.stringify({ project_id: projectQ }),
      ]),
    ).rejects.toThrow(/bound to project/);
  });

  it('a tenant reads none of another tenant’s audit rows, and may not append to any chain', async () => {
    const asA = await session({ 'app.tenant_id': tenantA });
    const rows = await asA.query('select distinct tenant_id from jobforge.jobforge_audit_log');
    expect(rows.rows).toEqual([{ tenant_id: tenantA }]);
    await expect(
      asA.query(`select jobforge.jobforge_audit_list('{}', $1) as r`, [tenantB]),
    ).rejects.toThrow(/may not act for another tenant/);
    await expect(
      asA.query(`select jobforge.jobforge_audit_append('[{"actor":"x","action":"y"}]', $1)`, [
        tenantA,
      ]),
    ).rejects.toThrow(/may not append audit entries/);
    await expect(
      asA.query('update jobforge.jobforge_audit_log set actor = $1', ['x']),
    ).rejects.toThrow(/permission denied/);
    // The trusted host sees B's rows where A saw none.
    expect((await listAudit(db.driver(), { tenantId: tenantB })).length).toBeGreaterThan(0);
  });
});
