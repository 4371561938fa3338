import { join } from 'node:path';
import type { QueueDriver } from './driver.js';
import { type FeatureEnv, isFeatureEnabled } from './feature-flags.js';
import { migrate } from './migrate.js';
import { createPgDriver } from './pg-driver.js';
import { createPgliteDriver } from './pglite-driver.js';

/** Where the embedded database lives when no DATABASE_URL is given. */
export const EMBEDDED_DATA_DIR = join('.jobforge', 'queue');

export interface OpenQueueOptions {
  /** A PostgreSQL URL; without one, the embedded PGlite database is used. */
  databaseUrl?: string;
  /** The embedded database's folder (default .jobforge/queue). */
  dataDir?: string;
  tenantId?: string;
  /** Read for JOBFORGE_AUDIT_ENABLED: the driver's sessions then audit events and triggers. */
  env?: FeatureEnv;
  onError?: (error: Error) => void;
}

/**
 * The database the queue runs on: PostgreSQL through node-postgres when a URL is given, else the
 * embedded PGlite database under .jobforge/, migrated on open (zero set-up; one process at a time).
 *
 * @example
 * const { driver, description } = await openQueueDriver({ databaseUrl: process.env.DATABASE_URL });
 */
export async function openQueueDriver(
  options: OpenQueueOptions = {},
): Promise<{ driver: QueueDriver; description: string }> {
  const audit = isFeatureEnabled('audit', options.env ?? process.env);
  if (options.databaseUrl) {
    const driver = createPgDriver({
      connectionString: options.databaseUrl,
      ...(audit ? { audit } : {}),
      ...(options.tenantId ? { tenantId: options.tenantId } : {}),
      ...(options.onError ? { onError: options.onError } : {}),
    });
    return { driver, description: `PostgreSQL at ${redactUrl(options.databaseUrl)}` };
  }
  const dataDir = options.dataDir ?? EMBEDDED_DATA_DIR;
  const driver = await createPgliteDriver({
    dataDir,
    ...(audit ? { audit } : {}),
    ...(options.tenantId ? { tenantId: options.tenantId } : {}),
  });
  await migrate(driver);
  return { driver, description: `embedded PGlite database in ${dataDir}/` };
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable DATABASE_URL)';
  }
}
