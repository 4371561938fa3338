import { createQueueClient } from '@jobforge/queue';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { Hono, MiddlewareHandler } from 'hono';
import { createGovernedEnqueue, POLICY_TOKEN_HEADER } from '../governed-enqueue.js';
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
  options: Omit<McpServerOptions, 'queue' | 'tenantId' | 'enqueue' | 'policyToken'> & {
    sessions: TenantSessions;
    requireKey: MiddlewareHandler<ServerEnv>;
  },
): void {
  const { sessions, requireKey, ...mcp } = options;
  const enqueue = createGovernedEnqueue(sessions, mcp.policyKeys ?? []);
  app.use('/mcp', requireKey);
  app.all('/mcp', async (c) => {
    const key = c.get('apiKey');
    const server = createMcpServer({
      ...mcp,
      queue: createQueueClient(sessions.forTenant(key.tenant_id)),
      tenantId: key.tenant_id,
      ...(key.project ? { projectId: key.project } : {}),
      enqueue: (type, payload, opts) => enqueue(key, type, payload, opts),
      ...(c.req.header(POLICY_TOKEN_HEADER)
        ? { policyToken: c.req.header(POLICY_TOKEN_HEADER)!.trim() }
        : {}),
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
