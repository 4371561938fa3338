import { mkdirSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import type { QueueDriver } from './driver.js';

export interface PgliteDriverOptions {
  /** Folder for the data (created if missing); omit for an in-memory database. */
  dataDir?: string;
  /** Binds the session to one tenant (`app.tenant_id`). */
  tenantId?: string;
}

/**
 * The embedded driver: PGlite (PostgreSQL compiled to WebAssembly) in this process. One
 * connection, so it suits one process; share a PostgreSQL server to scale past it.
 *
 * @example
 * const driver = await createPgliteDriver({ dataDir: '.jobforge/queue' });
 */
export async function createPgliteDriver(options: PgliteDriverOptions = {}): Promise<QueueDriver> {
  const { PGlite } = await import('@electric-sql/pglite');
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db: PGlite = await PGlite.create(options.dataDir ?? 'memory://');
  if (options.tenantId) {
    await db.query(`select set_config('app.tenant_id', $1, false)`, [options.tenantId]);
  }
  return {
    kind: 'pglite',
    async query<T>(text: string, params?: unknown[]) {
      const result = await db.query<T>(text, params);
      return result.rows;
    },
    async runScript(sql) {
      await db.transaction(async (tx) => {
        await tx.exec(sql);
      });
    },
    async listen(channel, onNotify) {
      const stop = await db.listen(channel, onNotify);
      return async () => {
        if (!db.closed) await stop();
      };
    },
    async close() {
      if (!db.closed) await db.close();
    },
  };
}
