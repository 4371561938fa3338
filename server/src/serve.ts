import { readFileSync } from 'node:fs';
import { createJsonLogger, type Logger, readMigrations } from '@jobforge/queue';
import type { Runtime } from '@jobforge/runtime';
import type { KeyInput } from '@jobforge/sdk';
import { type AppOptions, createApp } from './create-app.js';
import { doorOpen, requireDoor } from './door-flags.js';
import type { ConnectorTool } from './mcp/connector-catalog.js';
import { mountMcp } from './mcp/mount-mcp.js';
import { openSessions } from './open-sessions.js';
import { listen, type RunningServer } from './start-server.js';

export interface ServeOptions {
  port?: number;
  host?: string;
  databaseUrl?: string;
  dataDir?: string;
  log?: Logger;
  rateLimit?: AppOptions['rateLimit'];
  webhooks?: AppOptions['webhooks'];
  /** Policy issuers' public keys: write jobs need a token they signed when policy is on. */
  policyKeys?: KeyInput[];
  /** Run records: the workers' artifacts folder and the host key evidence verifies with. */
  runs?: AppOptions['runs'];
  /**
   * Mounts MCP's Streamable HTTP transport at /mcp (behind an API key) with these tools, unless
   * JOBFORGE_MCP_ENABLED is set to off.
   */
  mcp?: { connectors: ConnectorTool[]; runtime?: Runtime; async?: boolean; source?: string };
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
  // Refused before anything opens: JOBFORGE_API_ENABLED=0 is the operator's kill switch.
  requireDoor('api');
  const log = options.log ?? createJsonLogger();
  const mcp = options.mcp && doorOpen('mcp') ? options.mcp : undefined;
  if (options.mcp && !mcp) log.info('/mcp not mounted: JOBFORGE_MCP_ENABLED is off');
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
    ...(options.webhooks ? { webhooks: options.webhooks } : {}),
    ...(options.policyKeys ? { policyKeys: options.policyKeys } : {}),
    ...(options.runs ? { runs: options.runs } : {}),
    ...(options.mcp
      ? {
          connectors: {
            source: options.mcp.source ?? 'a connector folder',
            connectors: options.mcp.connectors,
          },
        }
      : {}),
    extend: (api, { requireKey }) => {
      if (mcp)
        mountMcp(api, {
          connectors: mcp.connectors,
          ...(mcp.runtime ? { runtime: mcp.runtime } : {}),
          ...(mcp.async !== undefined ? { async: mcp.async } : {}),
          sessions,
          requireKey,
          version,
          ...(options.policyKeys ? { policyKeys: options.policyKeys } : {}),
        });
    },
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
