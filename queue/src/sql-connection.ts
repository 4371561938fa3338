import type { QueueDriver } from './driver.js';

/**
 * A connection the caller owns: a node-postgres `Client` or `PoolClient` (or a PGlite transaction)
 * inside a transaction the caller began. What runs on it commits or rolls back with the caller's
 * own writes.
 */
export interface SqlConnection {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** Either the queue's driver (each call its own transaction) or the caller's connection. */
export type SqlTarget = QueueDriver | SqlConnection;

function isDriver(target: SqlTarget): target is QueueDriver {
  return typeof (target as QueueDriver).runScript === 'function';
}

/** Runs one statement on a driver or on the caller's connection; resolves to its rows. */
export async function queryRows<T>(
  target: SqlTarget,
  text: string,
  params: unknown[],
): Promise<T[]> {
  if (isDriver(target)) return target.query<T>(text, params);
  return (await target.query(text, params)).rows as T[];
}

/** True when statements on this target run inside a transaction someone else controls. */
export function isCallerTransaction(target: SqlTarget): boolean {
  return !isDriver(target);
}
