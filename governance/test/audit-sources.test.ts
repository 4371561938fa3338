import { randomUUID } from 'node:crypto';
import { createPgDriver, createPgliteDriver, migrate, type QueueDriver } from '@jobforge/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../queue/test/helpers.js';
import { listAudit } from '../src/audit-list.js';
import { verifyAudit } from '../src/audit-verify.js';

// Migration 17: with the audit feature on (the driver's sessions carry jobforge.audit = on), an
// event stored and a trigger's changes land in the tenant's chain, and `audit verify` still holds.
const OPEN: { name: string; open: (audit: boolean) => Promise<QueueDriver> }[] = [
  {
    name: 'postgresql',
    open: async (audit) => {
      const db = await createTestDatabase();
      return createPgDriver({ connectionString: db.url, max: 2, audit });
    },
  },
  {
    name: 'pglite',
    open: async (audit) => {
      const driver = await createPgliteDriver({ audit });
      await migrate(driver);
      return driver;
    },
  },
];

describe.each(OPEN)('auditing events and triggers on $name', ({ open }) => {
  let on: QueueDriver;
  let off: QueueDriver;
  beforeAll(async () => {
    on = await open(true);
    off = await open(false);
  });
  afterAll(async () => {
    await on.close();
    await off.close();
  });

  const submit = (driver: QueueDriver, tenant: string, id: string, project?: string) =>
    driver.query('select jobforge.jobforge_submit_event($1::jsonb, $2) as r', [
      JSON.stringify({
        id,
        source: 'billing',
        type: 'invoice.paid',
        ...(project ? { project_id: project } : {}),
      }),
      tenant,
    ]);
  const trigger = (driver: QueueDriver, tenant: string, name: string) =>
    driver.query('select jobforge.jobforge_create_trigger($1::jsonb, $2) as r', [
      JSON.stringify({
        name,
        kind: 'event',
        job_type: 'invoice.archive',
        event_type: 'invoice.*',
      }),
      tenant,
    ]);
  const state = (driver: QueueDriver, tenant: string, name: string, s: string) =>
    driver.query('select jobforge.jobforge_set_trigger_state($1, $2, null, $3) as r', [
      name,
      s,
      tenant,
    ]);

  it('appends event ingestion and trigger create, pause, resume and disable; firing is not a change', async () => {
    const tenant = randomUUID();
    const project = randomUUID();
    await trigger(on, tenant, 'archive');
    await submit(on, tenant, 'evt-1', project);
    await submit(on, tenant, 'evt-1', project); // a duplicate: no second row
    await state(on, tenant, 'archive', 'paused');
    await state(on, tenant, 'archive', 'enabled');
    await submit(on, tenant, 'evt-2');
    await state(on, tenant, 'archive', 'disabled');
    const rows = (await listAudit(on, { tenantId: tenant })).reverse();
    expect(rows.map((r) => r.action)).toEqual([
      'trigger.create',
      'event.ingested',
      'trigger.pause',
      'trigger.resume',
      'event.ingested',
      'trigger.disable',
    ]);
    for (const r of rows)
      expect(r.target).toMatch(r.action === 'event.ingested' ? /^event:\d+$/ : /^trigger:archive$/);
    expect(rows[1]).toMatchObject({
      project_id: project,
      details: { type: 'invoice.paid', source: 'billing', id: 'evt-1' },
    });
    expect(rows[0]!.actor.length).toBeGreaterThan(0);
    // Both events fired the trigger (its active jobs moved) without a trigger.update row.
    const fired = await on.query<{ n: number }>(
      `select count(*)::int as n from jobforge.jobforge_jobs
        where tenant_id = $1 and type = 'invoice.archive'`,
      [tenant],
    );
    expect(fired[0]!.n).toBe(2);
    const report = await verifyAudit(on, { publicKeys: [], tenantId: tenant });
    expect(report).toMatchObject({ ok: true, tenants: [{ rows: 6 }] });
  });

  it('with the feature off, nothing is appended', async () => {
    const tenant = randomUUID();
    await trigger(off, tenant, 'quiet');
    await submit(off, tenant, 'evt-1');
    await state(off, tenant, 'quiet', 'paused');
    expect(await listAudit(off, { tenantId: tenant })).toEqual([]);
  });
});
