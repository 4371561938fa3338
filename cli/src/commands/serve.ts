import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';
import { type McpArgs, withMcpOptions } from '../mcp-args.js';
import { withQueueOptions } from '../queue-args.js';

interface ServeArgs extends McpArgs {
  webhooks?: string;
  'public-key'?: string;
  'artifacts-dir'?: string;
  port: number;
  host: string;
  'log-level': 'debug' | 'info' | 'warn' | 'error';
}

export const serveCommand: CommandModule<GlobalArgs, ServeArgs> = {
  command: 'serve',
  describe:
    'Serve the HTTP API (/v1, /api/health, /openapi.json) and MCP (/mcp) until SIGTERM/SIGINT',
  builder: (y) =>
    withMcpOptions(withQueueOptions(y))
      .option('port', {
        type: 'number',
        default: 8080,
        describe: 'TCP port (0 picks a free one)',
      })
      .option('host', {
        type: 'string',
        default: '127.0.0.1',
        describe: 'Interface to listen on (0.0.0.0 for every interface)',
      })
      .option('webhooks', {
        type: 'string',
        describe:
          'JSON file of webhook sources (tenant, scheme, secret_env) for /v1/webhooks/:source',
      })
      .option('public-key', {
        type: 'string',
        describe:
          'Host public key (PEM) that run evidence verifies with (default $JOBFORGE_PUBLIC_KEY, else .jobforge/keys/public.pem when present)',
      })
      .option('artifacts-dir', {
        type: 'string',
        describe: "The workers' folder of large run artifacts (default .jobforge/artifacts)",
      })
      .option('log-level', {
        choices: ['debug', 'info', 'warn', 'error'] as const,
        default: 'info' as const,
        describe: 'JSON log lines on stderr from this level up',
      })
      .example(
        '$0 serve --port 8080',
        'serve the API; keys come from `jobforge apikeys create`',
      ) as never,
  handler: async (args) => {
    const { createJsonLogger } = await import('@jobforge/queue');
    const { loadWebhookSources, requireDoor, startServe } = await import('@jobforge/server');
    // Before anything is opened or loaded: JOBFORGE_API_ENABLED=0 is the operator's kill switch.
    requireDoor('api');
    const { openMcpTools } = await import('../mcp-args.js');
    const log = createJsonLogger({ level: args['log-level'] });
    const mcp = await openMcpTools(args, (text) => log.info(text));
    const { readPolicyKeys } = await import('../policy-keys.js');
    const { existsSync } = await import('node:fs');
    const { DEV_KEY_DIR, readPublicKey } = await import('../signing-key.js');
    const devKey = `${DEV_KEY_DIR}/public.pem`;
    const publicKeyPath =
      args['public-key'] ??
      process.env.JOBFORGE_PUBLIC_KEY ??
      (existsSync(devKey) ? devKey : undefined);
    const databaseUrl = args['database-url'] ?? process.env.DATABASE_URL;
    const server = await startServe({
      port: args.port,
      host: args.host,
      log,
      ...(args.webhooks ? { webhooks: await loadWebhookSources(args.webhooks) } : {}),
      policyKeys: await readPolicyKeys(args['policy-key']),
      runs: {
        ...(publicKeyPath ? { publicKey: await readPublicKey(publicKeyPath) } : {}),
        ...(args['artifacts-dir'] ? { artifactsDir: args['artifacts-dir'] } : {}),
      },
      mcp: {
        connectors: mcp.connectors,
        // Only the registry's origin and path: a URL's credentials or query never reach the API.
        source: args.registry
          ? `registry ${URL.canParse(args.registry) ? ((u) => u.origin + u.pathname)(new URL(args.registry)) : args.registry}`
          : `folder ${args.connectors}`,
        async: args.async,
        ...(mcp.runtime ? { runtime: mcp.runtime } : {}),
      },
      ...(databaseUrl ? { databaseUrl } : {}),
      ...(args['data-dir'] ? { dataDir: args['data-dir'] } : {}),
    });
    process.stdout.write(
      args.json
        ? `${JSON.stringify({ ok: true, url: server.url, database: server.database })}\n`
        : `jobforge serve: listening on ${server.url} (${server.database})\n`,
    );
    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = (signal: NodeJS.Signals) => {
        if (stopping) process.exit(signal === 'SIGINT' ? 130 : 143);
        stopping = true;
        log.info('shutting down', { signal });
        server
          .close()
          .then(() => mcp.runtime?.close())
          .then(resolve, resolve);
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });
  },
};
