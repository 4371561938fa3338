import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import type { QueueDriver } from '../src/driver.js';
import { createPgDriver } from '../src/pg-driver.js';
import { withDatabase } from './global-setup.js';

export const TENANT_A = '0a0a0a0a-0000-4000-8000-00000000000a';
export const TENANT_B = '0b0b0b0b-0000-4000-8000-00000000000b';

export interface TestDatabase {
  url: string;
  name: string;
  adminUrl: string;
  /** A pg driver on this database; closed after the file. */
  driver(options?: { tenantId?: string; max?: number; url?: string }): QueueDriver;
  /** Runs SQL as the server's superuser on this database. */
  admin(sql: string, params?: unknown[]): Promise<pg.QueryResult>;
}

/** A fresh, migrated database for this test file, cloned from the template; dropped after it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const { adminUrl, template } = inject('queuePg');
  const name = `jobforge_t_${randomBytes(6).toString('hex')}`;
  const server = new pg.Client({ connectionString: adminUrl });
  await server.connect();
  await server.query(`create database ${name} template ${template}`);
  await server.end();
  const url = withDatabase(adminUrl, name);
  const drivers: QueueDriver[] = [];
  const adminPool = new pg.Pool({ connectionString: url, max: 2 });
  afterAll(async () => {
    await Promise.all(drivers.map((d) => d.close().catch(() => {})));
    await adminPool.end();
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  });
  return {
    url,
    name,
    adminUrl,
    driver(options = {}) {
      const driver = createPgDriver({
        connectionString: options.url ?? url,
        ...(options.max ? { max: options.max } : {}),
        ...(options.tenantId ? { tenantId: options.tenantId } : {}),
      });
      drivers.push(driver);
      return driver;
    },
    admin: (sql, params) => adminPool.query(sql, params as unknown[]),
  };
}

/** Polls `probe` until it returns something truthy, or fails naming `what` after `ms`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
