import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueDriver } from '../src/driver.js';
import { submitEvent } from '../src/events/submit-event.js';
import { createQueueClient } from '../src/queue-client.js';
import {
  addTrigger,
  getTrigger,
  listTriggers,
  setTriggerState,
  triggerHistory,
} from '../src/triggers/manage-triggers.js';
import { createScheduler, runScheduler } from '../src/triggers/run-scheduler.js';
import { schedulerStatus } from '../src/triggers/scheduler-status.js';
import { DRIVERS } from './drivers.js';

process.env.JOBFORGE_EVENTS_ENABLED = '1';
process.env.JOBFORGE_TRIGGERS_ENABLED = '1';

// Every test runs its own clock, each starting later than the one before, so the scheduler lease
// (one per database) left by an earlier test has always expired.
let epoch = Date.UTC(2030, 0, 1);
function testClock() {
  epoch += 30 * 86_400_000;
  let now = epoch;
  return {
    clock: () => new Date(now),
    at: (ms: number) => {
      now = epoch + ms;
    },
    iso: (ms: number) => new Date(epoch + ms).toISOString(),
  };
}
const MINUTE = 60_000;

describe.each(DRIVERS)('cron and event triggers on $name', ({ open }) => {
  let driver: QueueDriver;
  beforeAll(async () => {
    driver = await open();
  });
  afterAll(async () => {
    await driver.close();
  });

  async function cronTrigger(
    tenantId: string,
    clock: () => Date,
    extra: Record<string, unknown> = {},
  ) {
    const { trigger } = await addTrigger(
      driver,
      {
        name: `t-${randomUUID().slice(0, 8)}`,
        cron: '* * * * *',
        timezone: 'UTC',
        jobType: 'report.build',
        payload: { slot: { $from: 'slot' }, name: { $from: 'trigger_name' } },
        ...extra,
      },
      { tenantId, now: clock() },
    );
    return trigger;
  }

  it('fires each slot exactly once, with the slot in the idempotency key, and stores the next fire time', async () => {
    const tenantId = randomUUID();
    const c = testClock();
    const trigger = await cronTrigger(tenantId, c.clock);
    expect(trigger.next_fire_at).toBe(c.iso(MINUTE).replace('.000Z', '+00:00'));
    const a = createScheduler({ driver, holder: 'a', clock: c.clock });
    const b = createScheduler({ driver, holder: 'b', clock: c.clock });
    c.at(MINUTE + 150);
    const pass = await a.tick();
    expect(pass).toMatchObject({ leader: true, holder: 'a' });
    expect(pass.fired).toBeGreaterThanOrEqual(1);
    expect(await b.tick()).toMatchObject({ leader: false, holder: 'a', fired: 0 });
    expect((await a.tick()).fired).toBe(0);
    expect(await schedulerStatus(driver)).toMatchObject({
      holder: 'a',
      last_fire_slot: expect.any(String),
      last_fire_lag_ms: expect.any(Number),
    });
    const jobs = await createQueueClient(driver, { tenantId }).list();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      type: 'report.build',
      idempotency_key: `trigger:${trigger.id}:${c.iso(MINUTE)}`,
      payload: { slot: expect.stringContaining('T'), name: trigger.name },
    });
    const stored = await getTrigger(driver, trigger.name, { tenantId });
    expect(Date.parse(stored!.next_fire_at!)).toBe(epoch + 2 * MINUTE);
    // A second scheduler firing the same slot (a stale read) is refused by the row's next fire time.
    const again = await driver.query<{ r: { stale: boolean } }>(
      'select jobforge.jobforge_fire_cron_trigger($1, $2, $3, $4::jsonb, $5, $6) as r',
      [
        trigger.id,
        c.iso(MINUTE),
        c.iso(2 * MINUTE),
        JSON.stringify([{ slot: c.iso(MINUTE), run: true }]),
        'a',
        c.iso(MINUTE + 200),
      ],
    );
    expect(again[0]!.r.stale).toBe(true);
    await setTriggerState(driver, trigger.id, 'disabled', { tenantId });
  });

  it('runs on the real clock until aborted, firing each second, then gives the lease up', async () => {
    const tenantId = randomUUID();
    const { trigger } = await addTrigger(
      driver,
      {
        name: 'every-second',
        cron: '* * * * * *',
        timezone: 'UTC',
        jobType: 'tick',
        maxInstances: 100,
      },
      { tenantId },
    );
    // Earlier tests left leases at far-future test clocks: start from a free lease.
    await driver.query('delete from jobforge.jobforge_scheduler_lease');
    const controller = new AbortController();
    const running = runScheduler({ driver, signal: controller.signal, holder: 'real' });
    await new Promise((r) => setTimeout(r, 2600));
    controller.abort();
    await running;
    const fired = (await triggerHistory(driver, trigger.id, { tenantId })).filter(
      (h) => h.outcome === 'fired',
    );
    expect(fired.length).toBeGreaterThanOrEqual(1);
    const status = await schedulerStatus(driver);
    expect(status).toMatchObject({ holder: 'real', leading: false });
    await setTriggerState(driver, trigger.id, 'disabled', { tenantId });
  });

  it('hands the lease over when the leader stops, losing no slot in between', async () => {
    const tenantId = randomUUID();
    const c = testClock();
    const trigger = await cronTrigger(tenantId, c.clock, {
      misfireGraceMs: 10 * MINUTE,
      maxInstances: 5,
    });
    const a = createScheduler({ driver, holder: 'a', clock: c.clock, leaseMs: 10_000 });
    const b = createScheduler({ driver, holder: 'b', clock: c.clock, leaseMs: 10_000 });
    c.at(MINUTE + 100);
    expect((await a.tick()).leader).toBe(true);
    // a dies here; b cannot lead until a's lease runs out.
    c.at(MINUTE + 5_000);
    expect((await b.tick()).leader).toBe(false);
    c.at(2 * MINUTE + 500);
    const pass = await b.tick();
    expect(pass).toMatchObject({ leader: true, holder: 'b' });
    const history = await triggerHistory(driver, trigger.id, { tenantId });
    expect(history.map((h) => [h.outcome, h.slot_at && Date.parse(h.slot_at) - epoch])).toEqual([
      ['fired', 2 * MINUTE],
      ['fired', MINUTE],
    ]);
    expect(history.map((h) => h.fired_by)).toEqual(['b', 'a']);
    await setTriggerState(driver, trigger.id, 'disabled', { tenantId });
  });

  it.each([
    [
      'coalesce on: one run for the newest slot, the rest missed',
      true,
      10 * MINUTE,
      ['missed', 'missed', 'fired'],
    ],
    ['coalesce off: each slot runs', false, 10 * MINUTE, ['fired', 'fired', 'fired']],
    [
      'past the misfire grace: missed, the fresh slot runs',
      false,
      90_000,
      ['missed', 'fired', 'fired'],
    ],
  ])(
    'after the database was down across three slots, %s',
    async (_name, coalesce, misfireGraceMs, outcomes) => {
      const tenantId = randomUUID();
      const c = testClock();
      const trigger = await cronTrigger(tenantId, c.clock, {
        coalesce,
        misfireGraceMs,
        maxInstances: 5,
      });
      const s = createScheduler({ driver, holder: 'solo', clock: c.clock });
      // Slots at 1, 2 and 3 minutes pass with no scheduler running; it comes back at 3:30.
      c.at(3 * MINUTE + 30_000);
      await s.tick();
      const history = (await triggerHistory(driver, trigger.id, { tenantId })).reverse();
      expect(history.map((h) => h.outcome)).toEqual(outcomes);
      expect(history.map((h) => Date.parse(h.slot_at!) - epoch)).toEqual([
        MINUTE,
        2 * MINUTE,
        3 * MINUTE,
      ]);
      const jobs = await createQueueClient(driver, { tenantId }).list();
      expect(jobs).toHaveLength(outcomes.filter((o) => o === 'fired').length);
      await setTriggerState(driver, trigger.id, 'disabled', { tenantId });
    },
  );

  it('skips a slot, and records it skipped, while max_instances jobs of the trigger are unfinished', async () => {
    const tenantId = randomUUID();
    const c = testClock();
    const trigger = await cronTrigger(tenantId, c.clock);
    const s = createScheduler({ driver, holder: 'solo', clock: c.clock });
    const queue = createQueueClient(driver, { tenantId });
    c.at(MINUTE + 10);
    await s.tick();
    c.at(2 * MINUTE + 10);
    await s.tick();
    expect((await triggerHistory(driver, trigger.id, { tenantId }))[0]).toMatchObject({
      outcome: 'skipped',
      detail: { reason: 'max_instances', max_instances: 1 },
    });
    const [job] = await queue.claim({ workerId: 'w', limit: 1, types: ['report.build'] });
    await queue.complete([{ id: job!.id, lease: job!.lease, outcome: { ok: true } }]);
    c.at(3 * MINUTE + 10);
    await s.tick();
    expect((await triggerHistory(driver, trigger.id, { tenantId })).map((h) => h.outcome)).toEqual([
      'fired',
      'skipped',
      'fired',
    ]);
    await setTriggerState(driver, trigger.id, 'disabled', { tenantId });
  });

  it('pauses and resumes without replaying the paused stretch; lists and shows triggers', async () => {
    const tenantId = randomUUID();
    const c = testClock();
    const trigger = await cronTrigger(tenantId, c.clock);
    expect((await setTriggerState(driver, trigger.name, 'paused', { tenantId }))?.state).toBe(
      'paused',
    );
    const s = createScheduler({ driver, holder: 'solo', clock: c.clock });
    c.at(5 * MINUTE + 10);
    await s.tick();
    const resumed = await setTriggerState(driver, trigger.name, 'enabled', {
      tenantId,
      now: c.clock(),
    });
    expect(Date.parse(resumed!.next_fire_at!)).toBe(epoch + 6 * MINUTE);
    c.at(6 * MINUTE + 10);
    await s.tick();
    expect((await triggerHistory(driver, trigger.id, { tenantId })).map((h) => h.outcome)).toEqual([
      'fired',
    ]);
    expect((await listTriggers(driver, { tenantId })).map((t) => t.name)).toEqual([trigger.name]);
    expect(await setTriggerState(driver, 'no-such', 'paused', { tenantId })).toBeNull();
    await setTriggerState(driver, trigger.id, 'disabled', { tenantId });
  });

  it('refuses trigger calls and the scheduler while JOBFORGE_TRIGGERS_ENABLED is off', async () => {
    process.env.JOBFORGE_TRIGGERS_ENABLED = 'off';
    try {
      await expect(listTriggers(driver)).rejects.toMatchObject({
        code: 'FEATURE_DISABLED',
        where: 'JOBFORGE_TRIGGERS_ENABLED',
      });
      expect(() => createScheduler({ driver })).toThrow(/triggers feature is off/);
    } finally {
      process.env.JOBFORGE_TRIGGERS_ENABLED = '1';
    }
  });

  it.each([
    ['an invalid cron field', { cron: '61 * * * *' }, 'INVALID_SCHEDULE', 'cron'],
    ['seven fields', { cron: '0 0 0 * * * 2030' }, 'INVALID_SCHEDULE', 'cron'],
    ['an unknown time zone', { timezone: 'Mars/Olympus' }, 'INVALID_SCHEDULE', 'timezone'],
    ['an offset instead of a zone', { timezone: '+02:00' }, 'INVALID_SCHEDULE', 'timezone'],
  ])('refuses %s with INVALID_SCHEDULE naming the field', async (_n, change, code, where) => {
    await expect(
      addTrigger(
        driver,
        { name: 'x', cron: '* * * * *', timezone: 'UTC', jobType: 'j', ...change },
        { tenantId: randomUUID() },
      ),
    ).rejects.toMatchObject({ code, where });
  });

  it('refuses a bad event match, a filter that is not an object, and a duplicate name; warns of an unhandled job type', async () => {
    const tenantId = randomUUID();
    await expect(
      addTrigger(driver, { name: 'e', event: 'invoice paid', jobType: 'j' }, { tenantId }),
    ).rejects.toMatchObject({ code: 'INVALID_TRIGGER', where: 'event' });
    await expect(
      addTrigger(
        driver,
        { name: 'e', event: 'invoice.*', jobType: 'j', filter: [] as never },
        { tenantId },
      ),
    ).rejects.toMatchObject({ code: 'INVALID_FILTER' });
    const ok = await addTrigger(
      driver,
      { name: 'e', event: 'invoice.*', jobType: 'mystery' },
      { tenantId, knownJobTypes: ['connector.run'] },
    );
    expect(ok.warnings[0]).toContain('no handler for job type "mystery"');
    await expect(
      addTrigger(driver, { name: 'e', event: 'invoice.*', jobType: 'j' }, { tenantId }),
    ).rejects.toMatchObject({ code: 'INVALID_TRIGGER' });
  });

  it('fans one event out to every matching trigger, once, with the event mapped into the payload', async () => {
    const tenantId = randomUUID();
    const add = (name: string, event: string, extra: Record<string, unknown> = {}) =>
      addTrigger(driver, { name, event, jobType: 'connector.run', ...extra }, { tenantId });
    await add('deliver', 'invoice.paid', {
      payload: {
        connector: 'webhook-deliver',
        input: { invoice: { $from: 'data.invoice' }, event: { $from: 'id' } },
      },
    });
    await add('report', 'invoice.*', {
      payload: { connector: 'report', input: { type: { $from: 'type' } } },
    });
    await add('big-only', 'invoice.paid', { filter: { data: { amount: 1000 } } });
    await add('other', 'order.created');
    await add('broken', 'invoice.paid', { payload: { x: { $from: 'data.nope' } } });
    await add('defaulted', 'invoice.paid', {
      payload: { x: { $from: 'data.nope', default: 0 } },
      jobType: 'd',
    });
    const event = {
      id: 'in_1',
      source: 'billing',
      type: 'invoice.paid',
      data: { invoice: 'in_1', amount: 12 },
    };
    const first = await submitEvent(driver, event, { tenantId });
    await submitEvent(driver, event, { tenantId });
    const jobs = await createQueueClient(driver, { tenantId }).list();
    expect(jobs).toHaveLength(3);
    expect(jobs.map((j) => j.payload)).toEqual(
      expect.arrayContaining([
        { connector: 'report', input: { type: 'invoice.paid' } },
        { connector: 'webhook-deliver', input: { event: 'in_1', invoice: 'in_1' } },
        { x: 0 },
      ]),
    );
    for (const job of jobs)
      expect(job.idempotency_key).toMatch(new RegExp(`:event:${first.event.seq}$`));
    expect(await triggerHistory(driver, 'broken', { tenantId })).toMatchObject([
      { outcome: 'error', event_seq: first.event.seq, detail: { code: 'TEMPLATE_FIELD_MISSING' } },
    ]);
    expect(await triggerHistory(driver, 'deliver', { tenantId })).toMatchObject([
      { outcome: 'fired', event_seq: first.event.seq, job_id: expect.any(String) },
    ]);
    await submitEvent(
      driver,
      { ...event, id: 'in_2', data: { invoice: 'in_2', amount: 1000 } },
      { tenantId },
    );
    expect(await triggerHistory(driver, 'big-only', { tenantId })).toHaveLength(1);
    expect(await createQueueClient(driver, { tenantId }).list()).toHaveLength(7);
  });
});
