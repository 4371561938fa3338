import { describe, expect, it } from 'vitest';
import { parseSchedule } from '../src/triggers/cron-schedule.js';
import { planCronFire } from '../src/triggers/plan-cron-fire.js';

const slots = (cron: string, tz: string, from: string, n: number) => {
  const schedule = parseSchedule(cron, tz);
  const out: string[] = [];
  let at: Date | null = new Date(from);
  for (let i = 0; i < n && at; i++) {
    at = schedule.next(at);
    if (at) out.push(at.toISOString());
  }
  return out;
};

// The documented DST rules (docs/triggers.md): a wall-clock time in the spring gap fires once, at
// the first instant after the gap; a time in the autumn repeat fires once, at its first occurrence;
// interval specs (every hour) fire at every real hour, 23 or 25 a day.
describe('cron slots across daylight-saving transitions', () => {
  it.each([
    [
      'Europe/Berlin spring gap (02:30 does not exist on 29 March)',
      '30 2 * * *',
      'Europe/Berlin',
      '2026-03-28T12:00:00Z',
      ['2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z'],
    ],
    [
      'Europe/Berlin autumn repeat (02:30 happens twice on 25 October)',
      '30 2 * * *',
      'Europe/Berlin',
      '2026-10-24T12:00:00Z',
      ['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z'],
    ],
    [
      'America/New_York spring gap (02:30 does not exist on 8 March)',
      '30 2 * * *',
      'America/New_York',
      '2026-03-07T12:00:00Z',
      ['2026-03-08T07:00:00.000Z', '2026-03-09T06:30:00.000Z'],
    ],
    [
      'America/New_York autumn repeat (01:30 happens twice on 1 November)',
      '30 1 * * *',
      'America/New_York',
      '2026-10-31T12:00:00Z',
      ['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z'],
    ],
    [
      'weekdays at 09:00 in Berlin, across the autumn change',
      '0 9 * * 1-5',
      'Europe/Berlin',
      '2026-10-23T12:00:00Z',
      ['2026-10-26T08:00:00.000Z', '2026-10-27T08:00:00.000Z'],
    ],
  ])('%s', (_name, cron, tz, from, expected) => {
    expect(slots(cron, tz, from, 2)).toEqual(expected);
  });

  it('fires an hourly spec at every real hour through the autumn repeat (25 a day)', () => {
    const day = slots('0 * * * *', 'Europe/Berlin', '2026-10-24T22:00:00Z', 25);
    expect(day[0]).toBe('2026-10-24T23:00:00.000Z');
    expect(day[24]).toBe('2026-10-25T23:00:00.000Z');
    expect(new Set(day).size).toBe(25);
  });

  it('reads nicknames and 6-field specs with seconds', () => {
    expect(slots('@hourly', 'UTC', '2030-01-01T00:10:00Z', 1)).toEqual([
      '2030-01-01T01:00:00.000Z',
    ]);
    expect(slots('*/5 * * * * *', 'UTC', '2030-01-01T00:00:01Z', 2)).toEqual([
      '2030-01-01T00:00:05.000Z',
      '2030-01-01T00:00:10.000Z',
    ]);
  });
});

describe('planCronFire', () => {
  const trigger = {
    id: 't',
    cron: '* * * * *',
    timezone: 'UTC',
    coalesce: true,
    misfire_grace_ms: 60_000,
    catchup_window_ms: 3_600_000,
    next_fire_at: '2030-01-01T00:01:00.000Z',
  };
  const schedule = parseSchedule('* * * * *', 'UTC');

  it('passes over slots older than the catch-up window in one missed row and runs the newest', () => {
    const plan = planCronFire(trigger, schedule, new Date('2030-01-02T00:00:30Z'));
    expect(plan.slots[0]).toMatchObject({
      run: false,
      detail: { reason: 'outside_catchup_window' },
    });
    expect(plan.slots.at(-1)).toEqual({ slot: '2030-01-02T00:00:00.000Z', run: true });
    expect(plan.slots.filter((s) => s.run)).toHaveLength(1);
    expect(plan.slots.length).toBeLessThanOrEqual(102);
    expect(plan.next?.toISOString()).toBe('2030-01-02T00:01:00.000Z');
  });

  it('plans nothing before the first slot is due', () => {
    const plan = planCronFire(trigger, schedule, new Date('2030-01-01T00:00:59Z'));
    expect(plan.slots).toEqual([]);
    expect(plan.next?.toISOString()).toBe('2030-01-01T00:01:00.000Z');
  });
});
