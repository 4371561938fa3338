// npm start (in examples/tickets) with DATABASE_URL naming a migrated PostgreSQL database
// (`jobforge db migrate`), JOBFORGE_EVENTS_ENABLED=1 and JOBFORGE_TRIGGERS_ENABLED=1.
import pg from 'pg';
import { createTicket, setUpTickets } from './tickets-app.js';

const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write(
    'set DATABASE_URL to a PostgreSQL database migrated with `jobforge db migrate`\n',
  );
  process.exit(2);
}
const tenantId = process.env.JOBFORGE_TENANT ?? '00000000-0000-4000-8000-000000000001';
const client = new pg.Client({ connectionString: url });
await client.connect();
try {
  await setUpTickets(client, tenantId);
  // Committed: the ticket, its ticket.created event and the webhook job all exist.
  await client.query('begin');
  const kept = await createTicket(client, tenantId, { title: 'Printer on fire', priority: 'high' });
  await client.query('commit');
  // Rolled back: none of the three exist.
  await client.query('begin');
  await createTicket(client, tenantId, { title: 'Never happened', priority: 'high' });
  await client.query('rollback');
  const { rows } = await client.query(
    `select id, payload from jobforge.jobforge_jobs where tenant_id = $1 and type = 'connector.run'
     order by id desc limit 5`,
    [tenantId],
  );
  process.stdout.write(
    `ticket ${kept} committed; connector jobs now: ${JSON.stringify(rows, null, 2)}\n`,
  );
} finally {
  await client.end();
}
