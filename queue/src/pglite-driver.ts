import { mkdirSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock.js';
import type { QueueDriver } from './driver.js';
import { assertTenantId } from './validate-job.js';

export interface PgliteDriverOptions {
  /** Folder for the data (created if missing); omit for an in-memory database. */
  dataDir?: string;
  /** Binds the session to one tenant (`app.tenant_id`). */
  tenantId?: string;
  /** The session carries `jobforge.audit = on` (see PgDriverOptions.audit). */
  audit?: boolean;
}

/**
 * The embedded driver: PGlite (PostgreSQL compiled to WebAssembly) in this process. One
 * connection, so it suits one process; share a PostgreSQL server to scale past it. A data folder
 * is locked to one process at a time (QUEUE_DATA_DIR_IN_USE otherwise).
 *
 * @example
 * const driver = await createPgliteDriver({ dataDir: '.jobforge/queue' });
 */
export async function createPgliteDriver(options: PgliteDriverOptions = {}): Promise<QueueDriver> {
  const tenantId =
    options.tenantId === undefined ? undefined : assertTenantId(options.tenantId, 'tenantId');
  const { PGlite } = await import('@electric-sql/pglite');
  let unlock = () => {};
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    unlock = lockDataDir(options.dataDir);
  }
  let db: PGlite;
  try {
    db = await PGlite.create(options.dataDir ?? 'memory://');
  } catch (error) {
    unlock();
    throw error;
  }
  if (tenantId) {
    await db.query(`select set_config('app.tenant_id', $1, false)`, [tenantId]);
  }
  if (options.audit) await db.query(`select set_config('jobforge.audit', 'on', false)`);
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
      unlock();
    },
  };
}
