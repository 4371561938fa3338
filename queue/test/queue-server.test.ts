import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../src/migrate.js';
import { MIGRATIONS_DIR, readMigrations } from '../src/migrations.js';
import { createPgDriver } from '../src/pg-driver.js';
import { createQueueClient } from '../src/queue-client.js';
import { withDatabase } from './global-setup.js';
import { createTestDatabase, type TestDatabase } from './helpers.js';

/** Behaviour that needs a real server: many connections at once. */
describe('queue on a PostgreSQL server, under concurrency', () => {
  let db: TestDatabase;
  const extra: string[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    const c = new pg.Client({ connectionString: db.adminUrl });
    await c.connect();
    for (const name of extra) await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  });

  it('gives 20 concurrent enqueues of one idempotency key one job id', async () => {
    const q = createQueueClient(db.driver({ max: 20 }), { tenantId: randomUUID() });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        q.enqueue('charge', { i }, { idempotencyKey: 'order-1' }),
      ),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
  });

  it('never hands one job to two concurrent claimers (SKIP LOCKED)', async () => {
    const q = createQueueClient(db.driver({ max: 8 }), { tenantId: randomUUID() });
    const ids = await q.enqueueMany(
      Array.from({ length: 300 }, (_, i) => ({ type: 't', payload: i })),
    );
    const seen: string[] = [];
    await Promise.all(
      Array.from({ length: 6 }, async (_, w) => {
        for (;;) {
          const jobs = await q.claim({ workerId: `w${w}`, limit: 7 });
          if (jobs.length === 0) return;
          seen.push(...jobs.map((j) => j.id));
          await q.complete(jobs.map((j) => ({ id: j.id, lease: j.lease, outcome: { ok: true } })));
        }
      }),
    );
    expect(seen.length).toBe(300);
    expect(new Set(seen)).toEqual(new Set(ids));
  });

  it('catches two migrate runs at once: each migration is applied exactly once', async () => {
    const name = `jobforge_m_${randomBytes(4).toString('hex')}`;
    await createEmpty(db.adminUrl, name);
    extra.push(name);
    const url = withDatabase(db.adminUrl, name);
    const a = createPgDriver({ connectionString: url });
    const b = createPgDriver({ connectionString: url });
    try {
      const [ra, rb] = await Promise.all([migrate(a), migrate(b)]);
      const all = (await readMigrations()).map((m) => m.name);
      for (const m of all) {
        const where = [ra, rb].map((r) =>
          r.applied.includes(m)
            ? 'applied'
            : r.concurrent.includes(m) || r.present.includes(m)
              ? 'other'
              : 'missing',
        );
        expect(where.sort()).toEqual(['applied', 'other']);
      }
      const rows = await a.query<{ id: number }>(
        'select id from jobforge.jobforge_migrations order by id',
      );
      expect(rows.map((r) => r.id)).toEqual((await readMigrations()).map((m) => m.id));
    } finally {
      await a.close();
      await b.close();
    }
  });

  const psql = [
    'psql',
    ...readdirSafe('/usr/lib/postgresql').map((v) => join('/usr/lib/postgresql', v, 'bin/psql')),
  ].find((p) => spawnSync(p, ['--version']).status === 0);
  it.skipIf(!psql)(
    'applies with psql -f, and a second psql run is refused by the migrations row',
    async () => {
      const name = `jobforge_p_${randomBytes(4).toString('hex')}`;
      await createEmpty(db.adminUrl, name);
      extra.push(name);
      const url = withDatabase(db.adminUrl, name);
      const files = readdirSync(MIGRATIONS_DIR)
        .filter((f) => f.endsWith('.sql'))
        .sort();
      const args = [
        '-v',
        'ON_ERROR_STOP=1',
        '-q',
        '-1',
        ...files.flatMap((f) => ['-f', join(MIGRATIONS_DIR, f)]),
        url,
      ];
      const first = spawnSync(psql!, args, { encoding: 'utf8' });
      expect(first.stderr).toBe('');
      expect(first.status).toBe(0);
      const again = spawnSync(psql!, args, { encoding: 'utf8' });
      expect(again.status).not.toBe(0);
      expect(again.stderr).toMatch(/jobforge_migrations_pkey|already exists/);
      // And the migrator sees the psql-applied schema as complete.
      const driver = createPgDriver({ connectionString: url });
      try {
        expect((await migrate(driver)).applied).toEqual([]);
        const q = createQueueClient(driver, { tenantId: randomUUID() });
        expect((await q.enqueue('t', {})).created).toBe(true);
      } finally {
        await driver.close();
      }
    },
  );
});

async function createEmpty(adminUrl: string, name: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  await c.query(`create database ${name}`);
  await c.end();
}

function readdirSafe(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}

describe('concurrent batches sharing idempotency keys', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });

  it('never fail with a deadlock and never duplicate a job', async () => {
    const q = createQueueClient(db.driver({ max: 8 }), { tenantId: randomUUID() });
    const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
    for (let round = 0; round < 5; round++) {
      const batches = Array.from({ length: 6 }, (_, b) => {
        const order = b % 2 === 0 ? keys : [...keys].reverse();
        return order.map((key) => ({
          type: 't',
          payload: { key },
          idempotencyKey: `${round}-${key}`,
        }));
      });
      const results = await Promise.all(batches.map((batch) => q.enqueueMany(batch)));
      // Every batch maps each key to the same job id.
      const byKey = new Map<string, string>();
      results.forEach((ids, b) => {
        const order = b % 2 === 0 ? keys : [...keys].reverse();
        ids.forEach((id, i) => {
          const key = order[i]!;
          expect(byKey.get(key) ?? id).toBe(id);
          byKey.set(key, id);
        });
      });
      expect(new Set(byKey.values()).size).toBe(keys.length);
    }
    // Each deadlock the server breaks costs its deadlock_timeout (1 s by default) before the retry.
  }, 120_000);

  it('take their locks in one order in SQL, so no batch deadlocks even without the client retry', async () => {
    // Straight to the function on separate connections: the client's deadlock retry cannot hide a
    // cycle here, so any 40P01 fails the test.
    const tenant = randomUUID();
    const keys = Array.from({ length: 60 }, (_, i) => `k${String(i).padStart(2, '0')}`);
    const clients = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const c = new pg.Client({ connectionString: db.url });
        await c.connect();
        return c;
      }),
    );
    try {
      for (let round = 0; round < 3; round++) {
        const results = await Promise.allSettled(
          clients.map((c, b) => {
            const order = b % 2 === 0 ? keys : [...keys].reverse();
            const jobs = order.map((key) => ({
              type: 't',
              payload: { key },
              idempotency_key: `${round}-${key}`,
            }));
            return c.query('select jobforge.jobforge_enqueue_jobs($1::jsonb, $2::uuid) as ids', [
              JSON.stringify(jobs),
              tenant,
            ]);
          }),
        );
        const failed = results.filter((r) => r.status === 'rejected');
        expect(failed.map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
        // Input order is kept in the answer: batch 0 and batch 1 list the same ids reversed.
        const ids = results.map(
          (r) =>
            (r as PromiseFulfilledResult<pg.QueryResult<{ ids: string[] }>>).value.rows[0]!.ids,
        );
        expect(ids[1]).toEqual([...ids[0]!].reverse());
        expect(new Set(ids[0]).size).toBe(keys.length);
      }
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  }, 60_000);
});
