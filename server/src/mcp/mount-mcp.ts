import { createQueueClient } from '@jobforge/queue';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { Hono, MiddlewareHandler } from 'hono';
import type { ServerEnv } from '../server-env.js';
import type { TenantSessions } from '../tenant-sessions.js';
import { createMcpServer, type McpServerOptions } from './create-mcp-server.js';

/**
 * Mounts MCP's Streamable HTTP transport at /mcp behind an API key, stateless: each POST gets a
 * server acting for the key's tenant, so no session state outlives a request and any instance can
 * answer any call.
 */
export function mountMcp(
  app: Hono<ServerEnv>,
  options: Omit<McpServerOptions, 'queue' | 'tenantId'> & {
    sessions: TenantSessions;
    requireKey: MiddlewareHandler<ServerEnv>;
  },
): void {
  const { sessions, requireKey, ...mcp } = options;
  app.use('/mcp', requireKey);
  app.all('/mcp', async (c) => {
    const key = c.get('apiKey');
    const server = createMcpServer({
      ...mcp,
      queue: createQueueClient(sessions.forTenant(key.tenant_id)),
      tenantId: key.tenant_id,
      traceId: () => c.get('requestId'),
    });
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    await server.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw);
    } finally {
      await server.close();
    }
  });
}
