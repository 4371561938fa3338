import pg from 'pg';
import type { QueueDriver } from './driver.js';
import { assertTenantId } from './validate-job.js';

export interface PgDriverOptions {
  connectionString: string;
  /** Pool size (default 10). */
  max?: number;
  /**
   * Binds every connection to one tenant (`app.tenant_id`), as an application role connects.
   * Leave unset for a trusted worker role that acts for any tenant.
   */
  tenantId?: string;
  /**
   * Every connection carries `jobforge.audit = on`: events stored and trigger changes are appended
   * to the audit chain (migration 17). Set when JOBFORGE_AUDIT_ENABLED is on.
   */
  audit?: boolean;
  /** Called when an idle pooled connection fails (the pool replaces it). */
  onError?: (error: Error) => void;
}

/**
 * A node-postgres driver: a pool for queries, and one dedicated connection per LISTEN.
 *
 * @example
 * const driver = createPgDriver({ connectionString: process.env.DATABASE_URL! });
 */
export function createPgDriver(options: PgDriverOptions): QueueDriver {
  // The tenant goes into the connection's start-up options, so it survives RESET ALL and DISCARD
  // ALL from a pooler. Only a checked UUID (hex digits and hyphens) may go there: any other text
  // could carry further options (`x -c app.tenant_id=<another tenant>`) or a space-escaped value.
  const tenantId =
    options.tenantId === undefined ? undefined : assertTenantId(options.tenantId, 'tenantId');
  const config: pg.PoolConfig = {
    connectionString: options.connectionString,
    max: options.max ?? 10,
  };
  const startup = [
    ...(tenantId ? [`-c app.tenant_id=${tenantId}`] : []),
    ...(options.audit ? ['-c jobforge.audit=on'] : []),
  ];
  if (startup.length > 0) config.options = startup.join(' ');
  const pool = new pg.Pool(config);
  const onError = options.onError ?? (() => {});
  pool.on('error', onError);
  // The client sends a handful of fixed statements: each is prepared once per connection and
  // then only bound and executed, which saves a parse and plan per call.
  const names = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text);
    if (!name && names.size < 64) {
      name = `jobforge_${names.size + 1}`;
      names.set(text, name);
    }
    return name;
  };
  return {
    kind: 'pg',
    async query<T>(text: string, params?: unknown[]) {
      const name = params && params.length > 0 ? nameOf(text) : undefined;
      const result = name
        ? await pool.query({ name, text, values: params })
        : await pool.query(text, params as unknown[]);
      return result.rows as T[];
    },
    async runScript(sql) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        await client.query(sql);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async listen(channel, onNotify, onLost) {
      const client = new pg.Client(config);
      // `onLost` fires at most once, and only for a connection that was listening: a failed set-up
      // rejects instead, so the caller owns exactly one retry per failure (firing both made every
      // outage double the LISTEN connections).
      let armed = false;
      let closed = false;
      const close = () => {
        if (closed) return;
        closed = true;
        client.end().catch(() => {});
      };
      const lost = (error: Error) => {
        const wasArmed = armed;
        armed = false;
        close();
        if (wasArmed) onLost?.(error);
      };
      client.on('error', lost);
      client.on('end', () => lost(new Error('the LISTEN connection closed')));
      client.on('notification', (message) => {
        if (message.channel === channel) onNotify(message.payload ?? '');
      });
      try {
        await client.connect();
        await client.query(`listen ${client.escapeIdentifier(channel)}`);
      } catch (error) {
        close();
        throw error;
      }
      if (closed) throw new Error('the LISTEN connection closed while it was being set up');
      armed = true;
      return async () => {
        armed = false;
        if (closed) return;
        closed = true;
        await client.end().catch(() => {});
      };
    },
    async close() {
      await pool.end();
    },
  };
}
