import { isConnectionError, type QueueDriver } from '@jobforge/queue';
import pg from 'pg';

/**
 * Database sessions bound to one tenant each: every query of `forTenant(t)` runs on a connection
 * whose `app.tenant_id` is `t`, so the queue's functions and row-level security act for that tenant
 * only, whatever the request says. `trusted` runs with no tenant (API key lookup, audit rows).
 */
export interface TenantSessions {
  forTenant(tenantId: string): QueueDriver;
  trusted: QueueDriver;
  close(): Promise<void>;
}

export interface PgSessionOptions {
  connectionString: string;
  /** Pool size (default 10). */
  max?: number;
  /** A statement running longer is canceled (default 10 s). */
  statementTimeoutMs?: number;
  /** Waiting longer for a connection fails the request (default 2 s), so a dead database fails fast. */
  connectTimeoutMs?: number;
  onError?: (error: Error) => void;
}

/**
 * Sessions on a node-postgres pool. A pooled connection remembers the tenant it was last bound to
 * (a session setting), so consecutive requests of one tenant pay no extra round trip; a connection
 * bound to another tenant is re-bound before the query, on the same connection.
 *
 * @example
 * const sessions = createPgSessions({ connectionString: process.env.DATABASE_URL! });
 * const queue = createQueueClient(sessions.forTenant(key.tenant_id));
 */
export function createPgSessions(options: PgSessionOptions): TenantSessions {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 2000,
    statement_timeout: options.statementTimeoutMs ?? 10_000,
  });
  pool.on('error', options.onError ?? (() => {}));
  const bound = new WeakMap<pg.PoolClient, string>();
  const names = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text);
    if (!name && names.size < 64) {
      name = `jobforge_api_${names.size + 1}`;
      names.set(text, name);
    }
    return name;
  };

  async function run<T>(tenant: string, text: string, params?: unknown[]): Promise<T[]> {
    const client = await pool.connect();
    try {
      if (bound.get(client) !== tenant) {
        bound.delete(client);
        await client.query("select set_config('app.tenant_id', $1, false)", [tenant]);
        bound.set(client, tenant);
      }
      const name = params && params.length > 0 ? nameOf(text) : undefined;
      const result = name
        ? await client.query({ name, text, values: params })
        : await client.query(text, params);
      client.release();
      return result.rows as T[];
    } catch (error) {
      // A broken connection is dropped from the pool; one that only saw a SQL error is kept.
      client.release(isConnectionError(error) ? (error as Error) : undefined);
      throw error;
    }
  }

  const driverFor = (tenant: string) => sessionDriver('pg', tenant, run);
  return {
    forTenant: driverFor,
    trusted: driverFor(''),
    close: () => pool.end(),
  };
}

/**
 * Sessions over one connection (the embedded PGlite database): a query and the setting before it
 * run under a lock, so two tenants' requests never interleave between them.
 */
export function createSerialSessions(driver: QueueDriver): TenantSessions {
  let current: string | undefined;
  let tail: Promise<unknown> = Promise.resolve();
  const run = <T>(tenant: string, text: string, params?: unknown[]): Promise<T[]> => {
    const next = tail.then(async () => {
      if (current !== tenant) {
        current = undefined;
        await driver.query("select set_config('app.tenant_id', $1, false)", [tenant]);
        current = tenant;
      }
      return driver.query<T>(text, params);
    });
    tail = next.catch(() => {});
    return next;
  };
  const driverFor = (tenant: string) => sessionDriver(driver.kind, tenant, run);
  return { forTenant: driverFor, trusted: driverFor(''), close: () => driver.close() };
}

type RunAs = <T>(tenant: string, text: string, params?: unknown[]) => Promise<T[]>;

/** A QueueDriver whose queries run as one tenant; it owns nothing, so closing it is a no-op. */
function sessionDriver(kind: QueueDriver['kind'], tenant: string, run: RunAs): QueueDriver {
  return {
    kind,
    query: <T>(text: string, params?: unknown[]) => run<T>(tenant, text, params),
    runScript: () => Promise.reject(new Error('a tenant session runs no scripts')),
    listen: () => Promise.reject(new Error('a tenant session does not LISTEN')),
    close: async () => {},
  };
}
