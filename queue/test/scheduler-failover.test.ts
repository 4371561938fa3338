import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { createQueueClient } from '../src/queue-client.js';
import { addTrigger, triggerHistory } from '../src/triggers/manage-triggers.js';
import { createScheduler } from '../src/triggers/run-scheduler.js';
import { createTestDatabase, type TestDatabase } from './helpers.js';

process.env.JOBFORGE_TRIGGERS_ENABLED = '1';
const CHILD = fileURLToPath(new URL('./fixtures/scheduler-child.ts', import.meta.url));

describe('the scheduler SIGKILLed mid-fire (PostgreSQL)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });

  it('fires every slot exactly once after another scheduler takes the lease over', async () => {
    const driver = db.driver();
    const tenantId = randomUUID();
    const names = Array.from({ length: 12 }, (_, i) => `yearly-${String(i).padStart(2, '0')}`);
    for (const name of names) {
      await addTrigger(
        driver,
        {
          name,
          cron: '0 0 1 1 *',
          timezone: 'UTC',
          jobType: 'report',
          payload: { slot: { $from: 'slot' } },
          misfireGraceMs: 10 * 366 * 86_400_000,
          catchupWindowMs: 10 * 366 * 86_400_000,
        },
        { tenantId },
      );
    }
    // One slot due for each trigger, long ago.
    await db.admin(
      `update jobforge.jobforge_triggers set next_fire_at = '2026-01-01T00:00:00Z' where tenant_id = $1`,
      [tenantId],
    );
    // Hold one trigger's row, so the child is stopped inside that trigger's fire transaction.
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    await holder.query('begin');
    await holder.query(
      `select 1 from jobforge.jobforge_triggers where name = 'yearly-05' and tenant_id = $1 for update`,
      [tenantId],
    );
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=@jobforge/source', CHILD, db.url],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      // Wait until the child's fire is blocked on the held row: mid-fire, by construction.
      const deadline = Date.now() + 30_000;
      for (;;) {
        const { rows } = await db.admin(
          `select count(*)::int as n from pg_stat_activity
           where datname = current_database() and wait_event_type = 'Lock'
             and query like '%jobforge_fire_cron_trigger%'`,
        );
        if (rows[0].n > 0) break;
        if (Date.now() > deadline)
          throw new Error(`the child never reached the held trigger: ${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      child.kill('SIGKILL');
      await exited;
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await holder.query('rollback');
      await holder.end();
    }
    // The killed backend may still finish the fire it was blocked in (a statement runs to its end
    // even when its client is gone): that fire is whole or absent, never half.
    // The standby takes over once the dead leader's 2 s lease runs out.
    const standby = createScheduler({ driver, holder: 'standby', leaseMs: 2000 });
    const deadline = Date.now() + 20_000;
    while (!(await standby.tick()).leader) {
      if (Date.now() > deadline) throw new Error('the standby never took the lease');
      await new Promise((r) => setTimeout(r, 200));
    }
    await standby.tick();
    const jobs = await createQueueClient(driver, { tenantId }).list({ limit: 100 });
    expect(jobs).toHaveLength(names.length);
    for (const name of names) {
      const history = await triggerHistory(driver, name, { tenantId });
      expect(
        history.map((h) => h.outcome),
        name,
      ).toEqual(['fired']);
    }
    expect(new Set(jobs.map((j) => j.idempotency_key)).size).toBe(names.length);
  }, 90_000);
});
