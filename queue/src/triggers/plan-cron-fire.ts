import type { CronSchedule } from './cron-schedule.js';

/** What the scheduler knows of a due cron trigger. */
export interface DueTrigger {
  id: string;
  cron: string;
  timezone: string;
  coalesce: boolean;
  misfire_grace_ms: number;
  catchup_window_ms: number;
  next_fire_at: string;
}

export interface PlannedSlot {
  slot: string;
  /** False: recorded `missed` (too late, or coalesced into a later slot). */
  run: boolean;
  detail?: Record<string, unknown>;
}

/** Slots recorded one by one after downtime; more than this are summed up in one `missed` row. */
export const MAX_SLOTS_PER_FIRE = 100;

/**
 * Decides what happens to every slot of a trigger from its stored next fire time up to `now`:
 * slots older than the catch-up window are not considered one by one (one `missed` row, reason
 * outside_catchup_window, says they were passed over); a slot later than
 * misfire_grace_ms is `missed`; of the rest, coalesce runs only the newest (the others `missed`,
 * reason `coalesced`), otherwise each runs. Returns the slots in time order and the next fire time.
 */
export function planCronFire(
  trigger: DueTrigger,
  schedule: CronSchedule,
  now: Date,
): { slots: PlannedSlot[]; next: Date | null } {
  const windowStart = now.getTime() - Number(trigger.catchup_window_ms);
  const times: Date[] = [];
  const ignored: Date[] = [];
  let slot: Date | null = new Date(trigger.next_fire_at);
  // Jump to the window's start rather than walk years of per-second slots one by one.
  if (slot.getTime() < windowStart) {
    ignored.push(slot);
    slot = schedule.next(new Date(windowStart - 1));
  }
  while (slot && slot.getTime() <= now.getTime()) {
    times.push(slot);
    slot = schedule.next(slot);
  }
  const next = slot;
  const slots: PlannedSlot[] = [];
  if (ignored.length > 0) {
    slots.push({
      slot: ignored[0]!.toISOString(),
      run: false,
      detail: { reason: 'outside_catchup_window', catchup_window_ms: trigger.catchup_window_ms },
    });
  }
  const dropped =
    times.length > MAX_SLOTS_PER_FIRE ? times.splice(0, times.length - MAX_SLOTS_PER_FIRE) : [];
  if (dropped.length > 0) {
    slots.push({
      slot: dropped[0]!.toISOString(),
      run: false,
      detail: {
        reason: 'too_many_slots',
        count: dropped.length,
        until: dropped[dropped.length - 1]!.toISOString(),
      },
    });
  }
  const late = (at: Date) => now.getTime() - at.getTime() > Number(trigger.misfire_grace_ms);
  const runnable = times.filter((at) => !late(at));
  const runs = new Set(trigger.coalesce ? runnable.slice(-1) : runnable);
  for (const at of times) {
    if (runs.has(at)) slots.push({ slot: at.toISOString(), run: true });
    else if (late(at))
      slots.push({
        slot: at.toISOString(),
        run: false,
        detail: { reason: 'misfire_grace', late_ms: now.getTime() - at.getTime() },
      });
    else slots.push({ slot: at.toISOString(), run: false, detail: { reason: 'coalesced' } });
  }
  return { slots, next };
}
