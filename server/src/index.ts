export {
  type ApiKey,
  apiKeyPrefix,
  authenticateApiKey,
  createApiKey,
  hashApiKey,
  listApiKeys,
  revokeApiKey,
} from './api-keys.js';
export { type AppOptions, createApp } from './create-app.js';
export { doorOpen, requireDoor } from './door-flags.js';
export {
  type ConnectorTool,
  folderCatalog,
  registryCatalog,
  toolsOfMetadata,
} from './mcp/connector-catalog.js';
export { createMcpServer, type McpServerOptions } from './mcp/create-mcp-server.js';
export { mountMcp } from './mcp/mount-mcp.js';
export { QUEUE_TOOLS } from './mcp/queue-tools.js';
export { runMcpStdio } from './mcp/run-mcp-stdio.js';
export { openSessions } from './open-sessions.js';
export { buildOpenApi } from './openapi.js';
export { type Problem, problem } from './problem.js';
export { createRateLimiter, type RateDecision, type RateLimiterOptions } from './rate-limiter.js';
export { type ServeOptions, startServe } from './serve.js';
export { type ListenOptions, listen, type RunningServer } from './start-server.js';
export {
  createPgSessions,
  createSerialSessions,
  type PgSessionOptions,
  type TenantSessions,
} from './tenant-sessions.js';
export { loadWebhookSources } from './webhooks/load-webhook-sources.js';
export { verifyProvider, type WebhookScheme } from './webhooks/verify-provider.js';
export { mountWebhooks, type WebhookSource } from './webhooks/webhook-route.js';
