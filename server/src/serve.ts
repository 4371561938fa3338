import { readFileSync } from 'node:fs';
import { createJsonLogger, type Logger, readMigrations } from '@jobforge/queue';
import { type AppOptions, createApp } from './create-app.js';
import { openSessions } from './open-sessions.js';
import { listen, type RunningServer } from './start-server.js';

export interface ServeOptions {
  port?: number;
  host?: string;
  databaseUrl?: string;
  dataDir?: string;
  log?: Logger;
  rateLimit?: AppOptions['rateLimit'];
}

const { version } = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
) as { version: string };

/**
 * `jobforge serve`: the API, on the database the options name, listening until `close()`.
 *
 * @example
 * const server = await startServe({ port: 8080, databaseUrl: process.env.DATABASE_URL });
 * console.log(`listening on ${server.url}`);
 */
export async function startServe(
  options: ServeOptions = {},
): Promise<RunningServer & { database: string }> {
  const log = options.log ?? createJsonLogger();
  const { sessions, description } = await openSessions({
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    onError: (error) => log.warn('idle database connection failed', { error: error.message }),
  });
  const app = createApp({
    sessions,
    expectedMigrations: (await readMigrations()).length,
    version,
    log,
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
  });
  const server = await listen(app, {
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.host ? { host: options.host } : {}),
  });
  return {
    ...server,
    database: description,
    close: async (graceMs) => {
      await server.close(graceMs);
      await sessions.close();
    },
  };
}
