import { openQueueDriver, redactUrl } from '@jobforge/queue';
import { createPgSessions, createSerialSessions, type TenantSessions } from './tenant-sessions.js';

/**
 * Tenant sessions on PostgreSQL when a URL is given, else on the embedded PGlite database (migrated
 * on open, one process at a time), as every queue command chooses.
 */
export async function openSessions(options: {
  databaseUrl?: string;
  dataDir?: string;
  onError?: (error: Error) => void;
}): Promise<{ sessions: TenantSessions; description: string }> {
  if (options.databaseUrl) {
    return {
      sessions: createPgSessions({
        connectionString: options.databaseUrl,
        ...(options.onError ? { onError: options.onError } : {}),
      }),
      description: `PostgreSQL at ${redactUrl(options.databaseUrl)}`,
    };
  }
  const { driver, description } = await openQueueDriver(
    options.dataDir ? { dataDir: options.dataDir } : {},
  );
  return { sessions: createSerialSessions(driver), description };
}
