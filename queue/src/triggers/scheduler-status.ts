import type { QueueDriver } from '../driver.js';
import { toQueueError } from '../queue-error.js';

export interface SchedulerStatus {
  /** Who holds (or last held) the lease; null when no scheduler ever ran. */
  holder: string | null;
  expires_at: string | null;
  /** True while the lease is live: a scheduler leads. */
  leading: boolean;
  now: string;
  last_fire_slot: string | null;
  /** Enqueue time minus slot time of the latest cron fire. */
  last_fire_lag_ms: number | null;
  cron_triggers: number;
  /** Enabled cron triggers whose next fire time passed more than `overdueMs` ago. */
  overdue: number;
}

/**
 * The scheduler's health, as `jobforge doctor` shows it (a trusted connection).
 *
 * @example
 * const { leading, holder, overdue } = await schedulerStatus(driver);
 */
export async function schedulerStatus(
  driver: QueueDriver,
  options: { overdueMs?: number } = {},
): Promise<SchedulerStatus> {
  try {
    const rows = await driver.query<{ r: SchedulerStatus }>(
      'select jobforge.jobforge_scheduler_status($1) as r',
      [options.overdueMs ?? 60_000],
    );
    return rows[0]!.r;
  } catch (error) {
    throw toQueueError(error, 'jobforge_scheduler_status');
  }
}
