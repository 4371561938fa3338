/**
 * What the queue needs from a database connection. Two implementations: node-postgres (a pool, for
 * any PostgreSQL 14+) and PGlite (in-process, the embedded default). Every function of the queue
 * returns one jsonb value, so rows come back already parsed by either driver.
 */
export interface QueueDriver {
  readonly kind: 'pg' | 'pglite';
  /** One statement with $1… parameters. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** A multi-statement script in one transaction on one connection (migrations). */
  runScript(sql: string): Promise<void>;
  /**
   * LISTENs on a channel. `onLost` fires when the listening connection dies; listen again then.
   * Resolves to a function that stops listening.
   */
  listen(
    channel: string,
    onNotify: (payload: string) => void,
    onLost?: (error: Error) => void,
  ): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
