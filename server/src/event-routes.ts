import { queryEvents, submitEvent } from '@jobforge/queue';
import { API_ROUTES } from '@jobforge/sdk/api';
import type { Hono } from 'hono';
import { registerRoute } from './register-route.js';
import type { ServerEnv } from './server-env.js';
import type { TenantSessions } from './tenant-sessions.js';

/**
 * POST and GET /v1/events, for the key's tenant. Both need JOBFORGE_EVENTS_ENABLED on the server:
 * without it they answer 404 FEATURE_DISABLED, naming the variable.
 */
export function mountEventRoutes(app: Hono<ServerEnv>, sessions: TenantSessions): void {
  registerRoute(app, API_ROUTES.submitEvent, async ({ body, c }) => {
    const out = await submitEvent(sessions.forTenant(c.get('apiKey').tenant_id), {
      ...body,
      ...(c.get('apiKey').project ? { projectId: c.get('apiKey').project! } : {}),
      traceId: c.get('requestId'),
    });
    return { status: out.created ? 201 : 200, body: out };
  });

  registerRoute(app, API_ROUTES.listEvents, async ({ query, c }) => {
    const page = await queryEvents(sessions.forTenant(c.get('apiKey').tenant_id), {
      ...(query.type ? { type: query.type } : {}),
      ...(query.subject ? { subject: query.subject } : {}),
      ...(query.since ? { since: query.since } : {}),
      ...(query.until ? { until: query.until } : {}),
      ...(query.cursor ? { before: query.cursor } : {}),
      ...(query.limit ? { limit: query.limit } : {}),
    });
    return { status: 200, body: { events: page.events, next_cursor: page.nextBefore } };
  });
}
