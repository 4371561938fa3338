import { join } from 'node:path';
import { createQueueClient, createRunsClient, readMigrations } from '@jobforge/queue';
import {
  type ArtifactStore,
  createDbArtifactStore,
  createFsArtifactStore,
  createRunRecorder,
  createRuntime,
  type Runtime,
} from '@jobforge/runtime';
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

const ECHO = join(import.meta.dirname, '../../connectors/echo');

/**
 * A real run of the echo connector for a real (queued) job of tenant A, recorded as a worker
 * records it: events, manifest and artifacts up to 64 KiB in the database, larger artifacts in the
 * folder `dir`. Returns the job id.
 */
export async function recordEchoRun(
  t: { sessions: { forTenant(tenant: string): import('@jobforge/queue').QueueDriver } },
  runtime: Runtime,
  dir: string,
  message: string,
): Promise<string> {
  const driver = t.sessions.forTenant(TENANT_A);
  const { id } = await createQueueClient(driver).enqueue('connector.run', { connector: 'echo' });
  const runs = createRunsClient(driver);
  const recorder = createRunRecorder({
    jobId: id,
    attempt: 1,
    sink: runs,
    large: createFsArtifactStore(dir),
    input: { operation: 'echo.say', payload: { message } },
  });
  const run = await runtime.run(
    ECHO,
    { operation: 'echo.say', payload: { message } },
    { tenant_id: TENANT_A, job_id: id, record: recorder.record },
  );
  await recorder.finish(run);
  return id;
}
