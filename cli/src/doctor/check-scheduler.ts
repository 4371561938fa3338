import type { CheckResult } from './run-doctor.js';

/**
 * The cron scheduler's health on DATABASE_URL (when JOBFORGE_TRIGGERS_ENABLED is on): which worker
 * leads, the lag of the last fire, and how many triggers are overdue.
 */
export async function checkScheduler(databaseUrl: string): Promise<CheckResult> {
  const { createPgDriver, redactUrl, schedulerStatus } = await import('@jobforge/queue');
  const driver = createPgDriver({ connectionString: databaseUrl, max: 1 });
  try {
    const s = await schedulerStatus(driver);
    const lag =
      s.last_fire_lag_ms === null
        ? 'no fire yet'
        : `last fire ${s.last_fire_lag_ms} ms after its slot`;
    const who = s.leading
      ? `${s.holder} leads (lease until ${s.expires_at})`
      : 'no scheduler leads';
    const detail = `${who}; ${lag}; ${s.cron_triggers} cron triggers, ${s.overdue} overdue`;
    if (s.cron_triggers > 0 && (!s.leading || s.overdue > 0)) {
      return {
        name: 'scheduler',
        status: 'warn',
        detail,
        fix: 'run `jobforge worker` with JOBFORGE_TRIGGERS_ENABLED=1 against this database',
      };
    }
    return { name: 'scheduler', status: 'ok', detail };
  } catch (error) {
    return {
      name: 'scheduler',
      status: 'warn',
      detail: `could not read the scheduler's state on ${redactUrl(databaseUrl)}: ${(error as Error).message}`,
      fix: 'jobforge db migrate, and connect as a worker role',
    };
  } finally {
    await driver.close().catch(() => {});
  }
}
