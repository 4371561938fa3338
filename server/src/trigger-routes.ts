import { listTriggers, setTriggerState } from '@jobforge/queue';
import { JobForgeError } from '@jobforge/sdk';
import { API_ROUTES } from '@jobforge/sdk/api';
import type { Hono } from 'hono';
import { registerRoute } from './register-route.js';
import type { ServerEnv } from './server-env.js';
import type { TenantSessions } from './tenant-sessions.js';

/**
 * /v1/triggers: list, pause and resume the key's tenant's triggers (through its session, so
 * another tenant's trigger is TRIGGER_NOT_FOUND). Needs JOBFORGE_TRIGGERS_ENABLED.
 */
export function mountTriggerRoutes(app: Hono<ServerEnv>, sessions: TenantSessions): void {
  registerRoute(app, API_ROUTES.listTriggers, async ({ c }) => ({
    status: 200,
    body: { triggers: await listTriggers(sessions.forTenant(c.get('apiKey').tenant_id)) },
  }));
  for (const [route, state] of [
    [API_ROUTES.pauseTrigger, 'paused'],
    [API_ROUTES.resumeTrigger, 'enabled'],
  ] as const) {
    registerRoute(app, route, async ({ params, c }) => {
      const db = sessions.forTenant(c.get('apiKey').tenant_id);
      const trigger = await setTriggerState(db, params.name, state);
      if (!trigger)
        throw new JobForgeError(
          'TRIGGER_NOT_FOUND',
          `no trigger ${params.name} for this API key's tenant`,
          {
            where: params.name,
            hint: 'GET /v1/triggers lists the triggers this key can see',
          },
        );
      return { status: 200, body: trigger };
    });
  }
}
