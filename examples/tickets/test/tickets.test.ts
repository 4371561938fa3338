import { randomBytes, randomUUID } from 'node:crypto';
import { createPgDriver, createQueueClient, triggerHistory } from '@jobforge/queue';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AGENTS_WEBHOOK, createTicket, setUpTickets } from '../src/tickets-app.js';

process.env.JOBFORGE_EVENTS_ENABLED = '1';
process.env.JOBFORGE_TRIGGERS_ENABLED = '1';

describe('examples/tickets on PostgreSQL', () => {
  const { adminUrl, template } = inject('queuePg');
  const name = `jobforge_ex_${randomBytes(6).toString('hex')}`;
  const url = Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
  const tenantId = randomUUID();
  let client: pg.Client;
  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name} template ${template}`);
    await admin.end();
    client = new pg.Client({ connectionString: url });
    await client.connect();
    await setUpTickets(client, tenantId);
  });
  afterAll(async () => {
    await client.end();
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  });

  it('enqueues a webhook-deliver job for a committed high-priority ticket, and nothing after a rollback', async () => {
    await client.query('begin');
    const kept = await createTicket(client, tenantId, {
      title: 'Printer on fire',
      priority: 'high',
    });
    await client.query('commit');
    await client.query('begin');
    await createTicket(client, tenantId, { title: 'Never happened', priority: 'high' });
    await client.query('rollback');
    await client.query('begin');
    await createTicket(client, tenantId, { title: 'Low', priority: 'normal' });
    await client.query('commit');

    const driver = createPgDriver({ connectionString: url });
    try {
      const jobs = await createQueueClient(driver, { tenantId }).list();
      expect(jobs).toHaveLength(1);
      expect(jobs[0]).toMatchObject({
        type: 'connector.run',
        payload: {
          connector: 'webhook-deliver',
          input: {
            url: AGENTS_WEBHOOK,
            event: 'ticket.created',
            message_id: `ticket-${kept}`,
            data: { id: Number(kept), title: 'Printer on fire', priority: 'high' },
          },
        },
      });
      expect(await triggerHistory(driver, 'notify-agents', { tenantId })).toMatchObject([
        { outcome: 'fired', job_id: jobs[0]!.id },
      ]);
      const { rows } = await client.query('select count(*)::int as n from tickets');
      expect(rows[0].n).toBe(2);
    } finally {
      await driver.close();
    }
  });
});
