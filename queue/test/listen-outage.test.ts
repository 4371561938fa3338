import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgDriver } from '../src/pg-driver.js';
import { createQueueClient } from '../src/queue-client.js';
import { runWorker } from '../src/run-worker.js';
import { createTestDatabase, type TestDatabase, until } from './helpers.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

// The worker reaches the database through a proxy on 127.0.0.1 that a test cuts: every connection
// drops and new ones are refused, as when the server stops, then it comes back.
describe('LISTEN connections across database outages', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  beforeAll(async () => {
    db = await createTestDatabase();
    const url = new URL(db.url);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port) });
  });
  afterAll(() => proxy.close());

  it('keeps one LISTEN connection after two outages, and stop() closes it', async () => {
    const app = `jf_listen_${randomUUID().slice(0, 8)}`;
    const url = new URL(db.url);
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    url.searchParams.set('application_name', app);
    const driver = createPgDriver({ connectionString: url.toString(), max: 2 });
    const client = createQueueClient(driver, { tenantId: randomUUID() });
    const listeners = async () =>
      Number(
        (
          await db.admin(
            `select count(*) as n from pg_stat_activity
              where application_name = $1 and query ilike 'listen%'`,
            [app],
          )
        ).rows[0].n,
      );
    const worker = await runWorker({ client, handlers: {}, pollMs: 100 });
    try {
      await until('the first LISTEN', async () => (await listeners()) === 1);
      for (let outage = 0; outage < 2; outage++) {
        await proxy.cut();
        // Long enough for several failed reconnects by both the claim loop and LISTEN.
        await new Promise((r) => setTimeout(r, 1500));
        await proxy.restore();
        await until('LISTEN to come back', async () => (await listeners()) >= 1);
        // Give any second retry chain the time to open its own connection.
        await new Promise((r) => setTimeout(r, 1500));
        expect(await listeners()).toBe(1);
      }
    } finally {
      await worker.stop();
      await driver.close();
    }
    await until('every connection to close', async () => {
      const { rows } = await db.admin(
        'select count(*) as n from pg_stat_activity where application_name = $1',
        [app],
      );
      return Number(rows[0].n) === 0;
    });
  }, 60_000);
});
