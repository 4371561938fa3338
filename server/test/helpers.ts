import { readMigrations } from '@jobforge/queue';
import { createRuntime } from '@jobforge/runtime';
import { afterAll } from 'vitest';
import { createTestDatabase, TENANT_A, TENANT_B } from '../../queue/test/helpers.js';
import { createApiKey } from '../src/api-keys.js';
import { type AppOptions, createApp } from '../src/create-app.js';
import { listen } from '../src/start-server.js';
import { createPgSessions } from '../src/tenant-sessions.js';

export { TENANT_A, TENANT_B };

/**
 * A real API server on 127.0.0.1 over a fresh test database, with one key per tenant; closed after
 * the file.
 */
export async function startTestServer(
  options: Partial<Omit<AppOptions, 'sessions'>> & { databaseUrl?: string } = {},
) {
  const db = await createTestDatabase();
  const sessions = createPgSessions({
    connectionString: options.databaseUrl ?? db.url,
    connectTimeoutMs: 1000,
  });
  const keyA = await createApiKey(sessions.trusted, { tenantId: TENANT_A, name: 'tenant a' });
  const keyB = await createApiKey(sessions.trusted, { tenantId: TENANT_B, name: 'tenant b' });
  const app = createApp({
    sessions,
    expectedMigrations: (await readMigrations()).length,
    version: '0.0.0-test',
    keyCacheMs: 0,
    ...options,
  });
  const server = await listen(app);
  afterAll(async () => {
    await server.close(1000);
    await sessions.close();
  });
  return { db, sessions, app, server, url: server.url, keyA: keyA.key, keyB: keyB.key };
}

/** A sandbox with one child and none kept warm: enough for a test file, light on a shared machine. */
export function startTestRuntime(signingKey: string) {
  return createRuntime({ signingKey, pool: { maxChildren: 1, warm: 0 } });
}
