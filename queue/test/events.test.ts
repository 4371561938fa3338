import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueDriver } from '../src/driver.js';
import { queryEvents } from '../src/events/query-events.js';
import { submitEvent, submitEvents } from '../src/events/submit-event.js';
import { createQueueClient } from '../src/queue-client.js';
import { MAX_PAYLOAD_BYTES } from '../src/validate-job.js';
import { DRIVERS } from './drivers.js';
import { createTestDatabase, type TestDatabase } from './helpers.js';

// The events feature is off by default in a deployment; these tests turn it on (one is off again).
process.env.JOBFORGE_EVENTS_ENABLED = '1';

describe.each(DRIVERS)('events on $name', ({ open }) => {
  let driver: QueueDriver;
  beforeAll(async () => {
    driver = await open();
  });
  afterAll(async () => {
    await driver.close();
  });

  it('refuses every call while JOBFORGE_EVENTS_ENABLED is off, naming the variable', async () => {
    process.env.JOBFORGE_EVENTS_ENABLED = '0';
    try {
      const event = { id: 'e', source: 's', type: 'a.b' };
      await expect(submitEvent(driver, event, { tenantId: randomUUID() })).rejects.toMatchObject({
        code: 'FEATURE_DISABLED',
        where: 'JOBFORGE_EVENTS_ENABLED',
      });
      await expect(queryEvents(driver)).rejects.toMatchObject({ code: 'FEATURE_DISABLED' });
    } finally {
      process.env.JOBFORGE_EVENTS_ENABLED = '1';
    }
  });

  it('stores an event once per (source, id), answering and counting duplicates', async () => {
    const tenantId = randomUUID();
    const event = { id: 'evt-1', source: 'billing', type: 'invoice.paid', data: { amount: 12 } };
    const first = await submitEvent(driver, event, { tenantId });
    expect(first.created).toBe(true);
    expect(first.event).toMatchObject({
      specversion: '1.0',
      id: 'evt-1',
      source: 'billing',
      type: 'invoice.paid',
      data: { amount: 12 },
      tenant_id: tenantId,
      datacontenttype: 'application/json',
      duplicates: 0,
    });
    const again = await submitEvent(driver, { ...event, data: { amount: 99 } }, { tenantId });
    expect(again.created).toBe(false);
    expect(again.event).toMatchObject({
      seq: first.event.seq,
      data: { amount: 12 },
      duplicates: 1,
    });
    const other = await submitEvent(driver, { ...event, source: 'shop' }, { tenantId });
    expect(other.created).toBe(true);
    const otherTenant = await submitEvent(driver, event, { tenantId: randomUUID() });
    expect(otherTenant.created).toBe(true);
  });

  it('submits many events in one statement, answering in input order, duplicates included', async () => {
    const tenantId = randomUUID();
    const events = [1, 2, 3].map((n) => ({
      id: `b${n}`,
      source: 'bulk',
      type: 'bulk.item',
      data: { n },
    }));
    const first = await submitEvents(driver, events, { tenantId });
    expect(first.map((r) => [r.event.id, r.created])).toEqual([
      ['b1', true],
      ['b2', true],
      ['b3', true],
    ]);
    const again = await submitEvents(driver, [events[1]!, { ...events[0]!, id: 'b4' }], {
      tenantId,
    });
    expect(again.map((r) => [r.event.id, r.created])).toEqual([
      ['b2', false],
      ['b4', true],
    ]);
    expect(await submitEvents(driver, [], { tenantId })).toEqual([]);
  });

  it.each([
    ['a type that is not reverse-DNS', { type: 'paid' }, 'INVALID_EVENT', 'type'],
    ['a type with a space', { type: 'invoice. paid' }, 'INVALID_EVENT', 'type'],
    ['an empty id', { id: '' }, 'INVALID_EVENT', 'id'],
    ['data that is not JSON', { data: { n: Number.NaN } }, 'INVALID_EVENT', 'data'],
    ['a time that does not parse', { time: 'yesterday' }, 'INVALID_TIME', 'time'],
    [
      'data over the size limit',
      { data: 'x'.repeat(MAX_PAYLOAD_BYTES) },
      'EVENT_TOO_LARGE',
      'data',
    ],
  ])('refuses %s, naming the field', async (_name, change, code, where) => {
    const event = { id: 'e', source: 's', type: 'a.b', ...change };
    await expect(submitEvent(driver, event, { tenantId: randomUUID() })).rejects.toMatchObject({
      code,
      where,
    });
  });

  it('refuses bad events in SQL too, for callers that skip the client', async () => {
    const call = (event: unknown) =>
      driver.query('select jobforge.jobforge_submit_event($1::jsonb, $2)', [
        JSON.stringify(event),
        randomUUID(),
      ]);
    await expect(call({ id: 'e', source: 's', type: 'nodot' })).rejects.toMatchObject({
      code: 'JFE01',
    });
    await expect(call({ source: 's', type: 'a.b' })).rejects.toMatchObject({ code: 'JFE01' });
    await expect(
      call({ id: 'e', source: 's', type: 'a.b', data: 'x'.repeat(MAX_PAYLOAD_BYTES) }),
    ).rejects.toMatchObject({ code: 'JFE02' });
  });

  it('queries by exact type, prefix, subject and time range, a page at a time, newest first', async () => {
    const tenantId = randomUUID();
    const types = [
      'invoice.paid',
      'invoice.voided',
      'invoicex.paid',
      'invoice.paid.late',
      'order.created',
    ];
    for (const [i, type] of types.entries()) {
      await submitEvent(
        driver,
        {
          id: `e${i}`,
          source: 'test',
          type,
          subject: i % 2 === 0 ? 'cust-1' : 'cust-2',
          time: new Date(Date.UTC(2030, 0, 1 + i)),
        },
        { tenantId },
      );
    }
    const ids = async (query: Parameters<typeof queryEvents>[1]) =>
      (await queryEvents(driver, query, { tenantId })).events.map((e) => e.id);
    expect(await ids({})).toEqual(['e4', 'e3', 'e2', 'e1', 'e0']);
    expect(await ids({ type: 'invoice.paid' })).toEqual(['e0']);
    expect(await ids({ type: 'invoice.*' })).toEqual(['e3', 'e1', 'e0']);
    expect(await ids({ subject: 'cust-2' })).toEqual(['e3', 'e1']);
    expect(
      await ids({ since: '2030-01-02T00:00:00Z', until: new Date(Date.UTC(2030, 0, 4)) }),
    ).toEqual(['e2', 'e1']);
    const seen: string[] = [];
    let before: string | undefined;
    for (let page = 0; page < 5; page++) {
      const result = await queryEvents(
        driver,
        { limit: 2, ...(before ? { before } : {}) },
        { tenantId },
      );
      seen.push(...result.events.map((e) => e.id));
      if (!result.nextBefore) break;
      before = result.nextBefore;
    }
    expect(seen).toEqual(['e4', 'e3', 'e2', 'e1', 'e0']);
    expect(await ids({ type: 'order.*' })).toEqual(['e4']);
    await expect(queryEvents(driver, { type: 'bad type.*' }, { tenantId })).rejects.toMatchObject({
      code: 'INVALID_EVENT',
    });
  });
});

describe('events inside the caller’s transaction (PostgreSQL)', () => {
  let db: TestDatabase;
  let driver: QueueDriver;
  beforeAll(async () => {
    db = await createTestDatabase();
    driver = db.driver();
  });

  async function inTransaction(fn: (client: pg.Client) => Promise<void>, commit: boolean) {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('begin');
      await fn(client);
      await client.query(commit ? 'commit' : 'rollback');
    } finally {
      await client.end();
    }
  }

  it('keeps an event and a job only when the caller commits', async () => {
    const tenantId = randomUUID();
    const queue = createQueueClient(driver, { tenantId });
    for (const commit of [false, true]) {
      await inTransaction(async (client) => {
        await submitEvent(
          client,
          { id: `e-${commit}`, source: 'app', type: 'ticket.created' },
          { tenantId },
        );
        await queue.enqueue('notify', { commit }, { transaction: client });
      }, commit);
    }
    const { events } = await queryEvents(driver, {}, { tenantId });
    expect(events.map((e) => e.id)).toEqual(['e-true']);
    expect((await queue.list()).map((j) => j.payload)).toEqual([{ commit: true }]);
  });

  it('emits an event from an application table’s own trigger, as docs/triggers.md shows', async () => {
    const tenantId = randomUUID();
    await db.admin(`
      create table tickets (id bigserial primary key, tenant_id uuid not null, title text not null);
      create function tickets_emit_created() returns trigger language plpgsql as $$
      begin
        perform jobforge.jobforge_submit_event(jsonb_build_object(
          'id', 'ticket-' || new.id, 'source', 'app/tickets', 'type', 'ticket.created',
          'subject', new.id::text, 'data', jsonb_build_object('title', new.title)), new.tenant_id);
        return new;
      end $$;
      create trigger tickets_created after insert on tickets
        for each row execute function tickets_emit_created();`);
    await db.admin('insert into tickets (tenant_id, title) values ($1, $2)', [tenantId, 'Printer']);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query('begin');
    await client.query('insert into tickets (tenant_id, title) values ($1, $2)', [
      tenantId,
      'Gone',
    ]);
    await client.query('rollback');
    await client.end();
    const { events } = await queryEvents(driver, { type: 'ticket.*' }, { tenantId });
    expect(events).toMatchObject([{ type: 'ticket.created', data: { title: 'Printer' } }]);
  });

  it('lets a tenant-bound session read only its own events', async () => {
    const mine = randomUUID();
    await submitEvent(driver, { id: 'a', source: 's', type: 'x.y' }, { tenantId: mine });
    await submitEvent(driver, { id: 'b', source: 's', type: 'x.y' }, { tenantId: randomUUID() });
    const bound = db.driver({ tenantId: mine });
    const { events } = await queryEvents(bound);
    expect(events.map((e) => e.id)).toEqual(['a']);
    await expect(
      submitEvent(bound, { id: 'c', source: 's', type: 'x.y' }, { tenantId: randomUUID() }),
    ).rejects.toMatchObject({ code: 'TENANT_FORBIDDEN' });
  });
});
