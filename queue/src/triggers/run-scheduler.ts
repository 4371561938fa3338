import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { QueueDriver } from '../driver.js';
import { requireFeature } from '../feature-flags.js';
import { type Logger, silentLogger } from '../json-logger.js';
import { toQueueError } from '../queue-error.js';
import { type CronSchedule, parseSchedule } from './cron-schedule.js';
import { type DueTrigger, planCronFire } from './plan-cron-fire.js';

/** Due triggers fired per transaction. */
const FIRE_BATCH = 50;

export interface SchedulerOptions {
  /** A trusted (worker) connection: the scheduler fires triggers of every tenant. */
  driver: QueueDriver;
  /** Who holds the lease, shown by `jobforge doctor` (default host:pid:random). */
  holder?: string;
  /** The lease's length; a dead leader is replaced within it (default 10 000 ms). */
  leaseMs?: number;
  /** Batches of due triggers fired at once, each batch one transaction (default 4). */
  fireConcurrency?: number;
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
  const fireConcurrency = Math.max(1, options.fireConcurrency ?? 4);
  // Parsing a spec costs about as much as planning its slots; many triggers share a few specs.
  const schedules = new Map<string, CronSchedule>();
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
      // Due triggers fire in batches, one transaction each (a burst of triggers due in the same
      // second shares commits), a few batches at a time.
      const batches: DueTrigger[][] = [];
      for (let i = 0; i < due.triggers.length; i += FIRE_BATCH) {
        // Row locks in id order, so two schedulers that overlap cannot deadlock on a batch.
        batches.push(due.triggers.slice(i, i + FIRE_BATCH).sort((x, y) => (x.id < y.id ? -1 : 1)));
      }
      let renewedAt = Date.now();
      let lost = false;
      const lane = async () => {
        for (let batch = batches.shift(); batch && !lost; batch = batches.shift()) {
          if (Date.now() - renewedAt > leaseMs / 3) {
            renewedAt = Date.now();
            if (!(await lease()).leader) lost = true;
          }
          if (lost) return;
          result.fired += await fire(batch, new Date(due.now));
          result.triggers += batch.length;
        }
      };
      await Promise.all(Array.from({ length: fireConcurrency }, lane));
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

  function scheduleOf(trigger: DueTrigger): CronSchedule {
    const key = `${trigger.timezone} ${trigger.cron}`;
    let schedule = schedules.get(key);
    if (!schedule) {
      if (schedules.size >= 10_000) schedules.clear();
      schedule = parseSchedule(trigger.cron, trigger.timezone);
      schedules.set(key, schedule);
    }
    return schedule;
  }

  async function fire(batch: DueTrigger[], at: Date): Promise<number> {
    const plans = batch.map((trigger) => {
      let plan: ReturnType<typeof planCronFire>;
      try {
        plan = planCronFire(trigger, scheduleOf(trigger), at);
      } catch (error) {
        // Stored specs were checked at creation; one that no longer parses is disabled. Any
        // other fault fails the pass (retried), never disables a trigger.
        if ((error as { code?: string }).code !== 'INVALID_SCHEDULE') throw error;
        log.error('trigger schedule no longer parses; disabling it', {
          trigger_id: trigger.id,
          error: (error as Error).message,
        });
        plan = { slots: [], next: null };
      }
      return {
        trigger: trigger.id,
        expected: trigger.next_fire_at,
        next: plan.next?.toISOString() ?? null,
        slots: plan.slots,
      };
    });
    const out = await call<{ stale: boolean; slots?: { outcome: string; created?: boolean }[] }[]>(
      'jobforge_fire_cron_triggers',
      '$1::jsonb, $2, $3',
      [JSON.stringify(plans), holder, now()],
    );
    let fired = 0;
    for (const answer of out) {
      fired += (answer.slots ?? []).filter((s) => s.outcome === 'fired' && s.created).length;
    }
    log.debug('triggers fired', { triggers: batch.length, fired });
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
