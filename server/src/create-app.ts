import { type Logger, silentLogger } from '@jobforge/queue';
import { isJobForgeError, type KeyInput } from '@jobforge/sdk';
import { API_ROUTES } from '@jobforge/sdk/api';
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createAuditThrottle } from './audit-throttle.js';
import { type AuditEntry, authenticate, clientAddress } from './authenticate.js';
import { mountConnectorRoutes } from './connector-routes.js';
import { mountConsole } from './console/mount-console.js';
import { mountEventRoutes } from './event-routes.js';
import { createHealthCheck } from './health.js';
import { mountJobRoutes } from './job-routes.js';
import type { ConnectorTool } from './mcp/connector-catalog.js';
import { buildOpenApi } from './openapi.js';
import { problem, problemFromError } from './problem.js';
import { createRateLimiter, type RateLimiter, type RateLimiterOptions } from './rate-limiter.js';
import { registerRoute, sendProblem } from './register-route.js';
import { requestContext } from './request-context.js';
import { mountRunRoutes, type RunRoutesOptions } from './run-routes.js';
import type { ServerEnv } from './server-env.js';
import type { TenantSessions } from './tenant-sessions.js';
import { mountTriggerRoutes } from './trigger-routes.js';
import { mountWebhooks, type WebhookSource } from './webhooks/webhook-route.js';

export interface AppOptions {
  sessions: TenantSessions;
  /** The number of migrations the code expects (health reports `current` against it). */
  expectedMigrations: number;
  version: string;
  log?: Logger;
  /** Request bodies over this many bytes are refused with 413 (default 1 MiB). */
  bodyLimitBytes?: number;
  /** Per API key (default 50/s, burst 100). */
  rateLimit?: RateLimiterOptions;
  /** Per client address, for the unauthenticated health endpoint (default 20/s, burst 50). */
  healthRateLimit?: RateLimiterOptions;
  /** Per client address, for webhook deliveries (default 100/s, burst 200). */
  webhookRateLimit?: RateLimiterOptions;
  keyCacheMs?: number;
  /** A refused key writes at most one audit row per client address and outcome per window (default 60 s). */
  auditWindowMs?: number;
  /** Where run records' large artifacts are kept, and the key their evidence verifies with. */
  runs?: RunRoutesOptions;
  /** Public keys whose policy tokens enqueue accepts (when JOBFORGE_POLICY_ENABLED is on). */
  policyKeys?: KeyInput[];
  /** The connectors GET /v1/connectors lists (and the console shows): folder or registry. */
  connectors?: { source: string; connectors: ConnectorTool[] };
  /** Webhook senders by the :source of POST /v1/webhooks/:source. */
  webhooks?: Record<string, WebhookSource>;
  /** More routes on the same app (MCP, console), mounted after the API's. */
  extend?: (app: Hono<ServerEnv>, helpers: { requireKey: ReturnType<typeof authenticate> }) => void;
}

/**
 * The HTTP API as a Hono app: problem+json errors, request ids, API-key auth under the key's tenant,
 * per-key rate limits, a body cap, the /v1 job operations, /api/health and /openapi.json.
 *
 * @example
 * const app = createApp({ sessions, expectedMigrations: 3, version: '0.1.0' });
 * serve({ fetch: app.fetch, port: 8080 });
 */
export function createApp(options: AppOptions): Hono<ServerEnv> {
  const log = options.log ?? silentLogger;
  const app = new Hono<ServerEnv>();
  const limiter = createRateLimiter(options.rateLimit);
  const healthLimiter = createRateLimiter({ perSecond: 20, burst: 50, ...options.healthRateLimit });
  const write = (entry: AuditEntry) => {
    log.warn('refused', {
      request_id: entry.requestId,
      outcome: entry.outcome,
      key: entry.keyPrefix,
      ...(entry.detail?.suppressed ? { suppressed: entry.detail.suppressed } : {}),
    });
    options.sessions.trusted
      .query('select jobforge.jobforge_record_api_audit($1, $2, $3, $4, $5, $6, $7::jsonb)', [
        entry.tenantId,
        entry.keyPrefix,
        entry.action,
        entry.outcome,
        entry.status,
        entry.requestId,
        entry.detail ? JSON.stringify(entry.detail) : null,
      ])
      .catch((error: unknown) =>
        log.error('audit row not written', { request_id: entry.requestId, error: String(error) }),
      );
  };
  // Refused keys are bounded per client address; webhook refusals are limited per address already.
  const throttle = createAuditThrottle({
    write,
    ...(options.auditWindowMs !== undefined ? { windowMs: options.auditWindowMs } : {}),
  });
  const audit = (entry: AuditEntry) =>
    entry.address ? throttle.record({ ...entry, address: entry.address }) : write(entry);
  const requireKey = authenticate({
    trusted: options.sessions.trusted,
    limiter,
    audit,
    ...(options.keyCacheMs !== undefined ? { keyCacheMs: options.keyCacheMs } : {}),
  });

  app.use(requestContext(log));
  app.onError((error, c) => {
    const p = problemFromError(error);
    const problems = (error as { problems?: unknown }).problems;
    if (p.status >= 500 && !isJobForgeError(error)) {
      c.get('log')?.error('request failed', {
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
    return sendProblem(c, Array.isArray(problems) ? { ...p, problems } : p);
  });
  app.notFound((c) =>
    sendProblem(
      c,
      problem('ROUTE_NOT_FOUND', `no route ${c.req.method} ${c.req.path}`, {
        hint: 'GET /openapi.json lists the routes',
      }),
    ),
  );
  app.use(
    bodyLimit({
      maxSize: options.bodyLimitBytes ?? 1024 * 1024,
      onError: (c) =>
        sendProblem(
          c as never,
          problem(
            'BODY_TOO_LARGE',
            `the body is over ${options.bodyLimitBytes ?? 1024 * 1024} bytes`,
          ),
        ),
    }),
  );

  const openapi = JSON.stringify(buildOpenApi(API_ROUTES, { version: options.version }));
  app.get('/openapi.json', (c) => c.body(openapi, 200, { 'content-type': 'application/json' }));

  const check = createHealthCheck(options.sessions.trusted, options.expectedMigrations);
  // Routes without an API key are limited per client address instead: the socket's address, not
  // X-Forwarded-For, which a caller could change on every request.
  const perAddress =
    (limiter: RateLimiter, what: string): MiddlewareHandler<ServerEnv> =>
    async (c, next) => {
      const who = clientAddress(c);
      const decision = limiter.take(`${what}:${who}`);
      if (!decision.allowed) {
        c.header('Retry-After', String(decision.retryAfterSeconds));
        return sendProblem(c, problem('RATE_LIMITED', `too many ${what} requests; slow down`));
      }
      await next();
    };
  app.use('/api/health', perAddress(healthLimiter, 'health'));
  app.use(
    '/v1/webhooks/*',
    perAddress(
      createRateLimiter({ perSecond: 100, burst: 200, ...options.webhookRateLimit }),
      'webhook',
    ),
  );
  registerRoute(app, API_ROUTES.health, async ({ c }) => {
    const health = await check();
    return {
      status: health.status === 'unavailable' ? 503 : 200,
      body: { ...health, request_id: c.get('requestId') },
    };
  });

  // Webhooks carry the provider's signature, not an API key: their route checks it itself.
  app.use('/v1/*', (c, next) =>
    c.req.path.startsWith('/v1/webhooks/') ? next() : requireKey(c, next),
  );
  mountJobRoutes(app, options.sessions, { policyKeys: options.policyKeys ?? [] });
  mountEventRoutes(app, options.sessions);
  mountRunRoutes(app, options.sessions, options.runs);
  mountTriggerRoutes(app, options.sessions);
  mountConnectorRoutes(app, options.connectors ?? { source: 'none', connectors: [] });
  mountWebhooks(app, { sessions: options.sessions, sources: options.webhooks ?? {}, audit });
  mountConsole(app);
  options.extend?.(app, { requireKey });
  return app;
}
