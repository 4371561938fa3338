import { readFile } from 'node:fs/promises';
import { addTrigger, getTrigger, type SqlConnection } from '@jobforge/queue';

const SCHEMA = new URL('../schema.sql', import.meta.url);

/** Where the agents' webhook receiver listens (its host must be in webhook-deliver's permissions). */
export const AGENTS_WEBHOOK = 'https://hooks.example.com/agents';

/**
 * Creates the tickets table with its `ticket.created` trigger, and the JobForge event trigger that
 * turns each high-priority ticket into a `connector.run` job for webhook-deliver.
 */
export async function setUpTickets(db: SqlConnection, tenantId: string): Promise<void> {
  await db.query(await readFile(SCHEMA, 'utf8'));
  if (await getTrigger(db, 'notify-agents', { tenantId })) return;
  await addTrigger(
    db,
    {
      name: 'notify-agents',
      event: 'ticket.created',
      filter: { data: { priority: 'high' } },
      jobType: 'connector.run',
      payload: {
        connector: 'webhook-deliver',
        input: {
          url: AGENTS_WEBHOOK,
          event: { $from: 'type' },
          data: { $from: 'data' },
          message_id: { $from: 'id' },
        },
      },
    },
    { tenantId },
  );
}

/** Inserts a ticket on the caller's connection, inside whatever transaction the caller has open. */
export async function createTicket(
  db: SqlConnection,
  tenantId: string,
  ticket: { title: string; priority?: 'normal' | 'high' },
): Promise<string> {
  const { rows } = await db.query(
    'insert into tickets (tenant_id, title, priority) values ($1, $2, $3) returning id',
    [tenantId, ticket.title, ticket.priority ?? 'normal'],
  );
  return String((rows[0] as { id: string | number }).id);
}
