import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { QueueDriver } from '../driver.js';
import { requireFeature } from '../feature-flags.js';
import { type Logger, silentLogger } from '../json-logger.js';
import { toQueueError } from '../queue-error.js';
import { parseSchedule } from './cron-schedule.js';
import { type DueTrigger, planCronFire } from './plan-cron-fire.js';

export interface SchedulerOptions {
  /** A trusted (worker) connection: the scheduler fires triggers of every tenant. */
  driver: QueueDriver;
  /** Who holds the lease, shown by `jobforge doctor` (default host:pid:random). */
  holder?: string;
  /** The lease's length; a dead leader is replaced within it (default 10 000 ms). */
  leaseMs?: number;
  /** The longest sleep between passes, so new triggers and failover are noticed (default 1000 ms). */
  maxSleepMs?: number;
  /**
   * A controllable clock for tests: its time is passed to the SQL functions as "now". Unset, the
   * database's clock is the one clock every scheduler shares.
   */
  clock?: () => Date;
  logger?: Logger;
}

export interface TickResult {
  leader: boolean;
  /** Who holds the lease after this pass. */
  holder: string;
  /** Triggers whose slots this pass handled. */
  triggers: number;
  /** Jobs enqueued by this pass. */
  fired: number;
  /** The earliest next fire time of any enabled cron trigger. */
  nextWake: string | null;
}

export interface Scheduler {
  readonly holder: string;
  /** One pass: take or renew the lease; when leading, fire every due trigger. */
  tick(): Promise<TickResult>;
  /** Gives the lease up at once, so another scheduler takes over without waiting for it to expire. */
  release(): Promise<void>;
}

/**
 * The cron scheduler. One per database leads at a time (a lease row renewed on every pass); each
 * due trigger's slots are planned here (croner, in the trigger's time zone) and fired in one SQL
 * transaction that enqueues with the idempotency key `trigger:<id>:<slot>`, so a slot is enqueued
 * once even when two schedulers race.
 *
 * @example
 * const scheduler = createScheduler({ driver });
 * await scheduler.tick();
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  requireFeature('triggers');
  const holder = options.holder ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const leaseMs = options.leaseMs ?? 10_000;
  const log = options.logger ?? silentLogger;
  const now = () => (options.clock ? options.clock().toISOString() : null);
  const call = async <T>(fn: string, args: string, params: unknown[]): Promise<T> => {
    try {
      const rows = await options.driver.query<{ r: T }>(
        `select jobforge.${fn}(${args}) as r`,
        params,
      );
      return rows[0]!.r;
    } catch (error) {
      throw toQueueError(error, fn);
    }
  };
  const lease = () =>
    call<{ leader: boolean; holder: string }>('jobforge_scheduler_lease', '$1, $2, $3', [
      holder,
      leaseMs,
      now(),
    ]);

  return {
    holder,
    async tick() {
      const held = await lease();
      const result: TickResult = {
        leader: held.leader,
        holder: held.holder,
        triggers: 0,
        fired: 0,
        nextWake: null,
      };
      if (!held.leader) return result;
      const due = await call<{ now: string; triggers: DueTrigger[]; next_wake: string | null }>(
        'jobforge_due_triggers',
        '$1',
        [now()],
      );
      let renewedAt = Date.now();
      for (const trigger of due.triggers) {
        if (Date.now() - renewedAt > leaseMs / 3) {
          if (!(await lease()).leader) break;
          renewedAt = Date.now();
        }
        result.fired += await fire(trigger, new Date(due.now));
        result.triggers++;
      }
      // Firing moved next fire times on: ask again when the pass did anything.
      result.nextWake =
        result.triggers === 0
          ? due.next_wake
          : (await call<{ next_wake: string | null }>('jobforge_due_triggers', '$1, 0', [now()]))
              .next_wake;
      return result;
    },
    async release() {
      await call('jobforge_scheduler_lease', '$1, 0, $2', [holder, now()]).catch(() => {});
    },
  };

  async function fire(trigger: DueTrigger, at: Date): Promise<number> {
    let plan: ReturnType<typeof planCronFire>;
    try {
      plan = planCronFire(trigger, parseSchedule(trigger.cron, trigger.timezone), at);
    } catch (error) {
      // Stored specs were checked at creation; one that no longer parses is disabled, not retried.
      log.error('trigger schedule no longer parses; disabling it', {
        trigger_id: trigger.id,
        error: (error as Error).message,
      });
      plan = { slots: [], next: null };
    }
    const out = await call<{ stale: boolean; slots?: { outcome: string; created?: boolean }[] }>(
      'jobforge_fire_cron_trigger',
      '$1, $2, $3, $4::jsonb, $5, $6',
      [
        trigger.id,
        trigger.next_fire_at,
        plan.next?.toISOString() ?? null,
        JSON.stringify(plan.slots),
        holder,
        now(),
      ],
    );
    if (out.stale) return 0;
    const fired = (out.slots ?? []).filter((s) => s.outcome === 'fired' && s.created).length;
    log.debug('trigger fired', { trigger_id: trigger.id, fired, slots: out.slots?.length ?? 0 });
    return fired;
  }
}

/**
 * Runs the scheduler until the signal aborts: a pass, then sleep until the next slot is due (at
 * most maxSleepMs), again. A lost database is logged and retried; on abort the lease is released.
 */
export async function runScheduler(
  options: SchedulerOptions & { signal: AbortSignal },
): Promise<void> {
  const scheduler = createScheduler(options);
  const log = options.logger ?? silentLogger;
  const maxSleep = options.maxSleepMs ?? 1000;
  let wasLeader = false;
  while (!options.signal.aborted) {
    let wait = maxSleep;
    try {
      const pass = await scheduler.tick();
      if (pass.leader !== wasLeader) {
        log.info(pass.leader ? 'scheduler leads' : 'scheduler follows', {
          holder: scheduler.holder,
          leader: pass.holder,
        });
        wasLeader = pass.leader;
      }
      if (pass.leader && pass.nextWake) {
        wait = Math.max(0, Math.min(maxSleep, Date.parse(pass.nextWake) - Date.now()));
      }
    } catch (error) {
      log.warn('scheduler pass failed; trying again', { error: (error as Error).message });
    }
    await sleep(wait, options.signal);
  }
  if (wasLeader) await scheduler.release();
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
