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
