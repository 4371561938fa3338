import { API_ROUTES } from '@jobforge/sdk/api';
import type { Hono } from 'hono';
import type { ConnectorTool } from './mcp/connector-catalog.js';
import { registerRoute } from './register-route.js';
import type { ServerEnv } from './server-env.js';

/** GET /v1/connectors: the connector operations loaded at start (the same list MCP offers). */
export function mountConnectorRoutes(
  app: Hono<ServerEnv>,
  catalog: { source: string; connectors: ConnectorTool[] },
): void {
  const body = {
    source: catalog.source,
    connectors: catalog.connectors.map((tool) => ({
      tool: tool.name,
      connector_id: tool.connectorId,
      version: tool.version,
      operation: tool.operation,
      title: tool.title,
      description: tool.description,
      read_only: tool.annotations.readOnlyHint ?? null,
      input_schema: tool.inputSchema,
    })),
  };
  registerRoute(app, API_ROUTES.listConnectors, async () => ({ status: 200, body }));
}
