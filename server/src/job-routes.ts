import { createQueueClient } from '@jobforge/queue';
import { JobForgeError, type KeyInput } from '@jobforge/sdk';
import { API_ROUTES } from '@jobforge/sdk/api';
import type { Context, Hono } from 'hono';
import { createGovernedEnqueue, POLICY_TOKEN_HEADER } from './governed-enqueue.js';
import { registerRoute } from './register-route.js';
import type { ServerEnv } from './server-env.js';
import type { TenantSessions } from './tenant-sessions.js';

/**
 * The /v1/jobs operations, each on a queue client bound to the API key's tenant. Enqueue goes
 * through governance: a write job needs the JobForge-Policy-Token header when policy is on.
 */
export function mountJobRoutes(
  app: Hono<ServerEnv>,
  sessions: TenantSessions,
  options: { policyKeys: KeyInput[] },
): void {
  const enqueue = createGovernedEnqueue(sessions, options.policyKeys);
  const queueFor = (c: Context<ServerEnv>) =>
    createQueueClient(sessions.forTenant(c.get('apiKey').tenant_id));
  const notFound = (id: string) =>
    new JobForgeError('JOB_NOT_FOUND', `no job ${id} for this API key's tenant`, {
      where: id,
      hint: 'GET /v1/jobs lists the jobs this key can see',
    });

  registerRoute(app, API_ROUTES.enqueueJob, async ({ body, c }) => {
    const key = c.req.header('idempotency-key');
    const token = c.req.header(POLICY_TOKEN_HEADER);
    const out = await enqueue(c.get('apiKey'), body.type, body.payload ?? null, {
      ...(token ? { token: token.trim() } : {}),
      correlationId: c.get('requestId'),
      ...(key !== undefined ? { idempotencyKey: key } : {}),
      ...(body.ordering_key !== undefined ? { orderingKey: body.ordering_key } : {}),
      ...(body.priority !== undefined ? { priority: body.priority } : {}),
      ...(body.run_at !== undefined ? { runAt: body.run_at } : {}),
      ...(body.max_attempts !== undefined ? { maxAttempts: body.max_attempts } : {}),
      traceId: body.trace_id ?? c.get('requestId'),
    });
    return { status: out.created ? 201 : 200, body: out };
  });

  registerRoute(app, API_ROUTES.listJobs, async ({ query, c }) => {
    const limit = query.limit ?? 50;
    const jobs = await queueFor(c).list({
      limit,
      ...(query.status ? { status: query.status } : {}),
      ...(query.type ? { type: query.type } : {}),
      ...(query.cursor ? { beforeId: query.cursor } : {}),
    });
    const last = jobs.length === limit ? jobs[jobs.length - 1] : undefined;
    return { status: 200, body: { jobs, next_cursor: last ? last.id : null } };
  });

  registerRoute(app, API_ROUTES.getJob, async ({ params, c }) => {
    const job = await queueFor(c).get(params.id);
    if (!job) throw notFound(params.id);
    return { status: 200, body: job };
  });

  for (const [route, action] of [
    [API_ROUTES.cancelJob, 'cancel'],
    [API_ROUTES.retryJob, 'retry'],
  ] as const) {
    registerRoute(app, route, async ({ params, c }) => {
      const queue = queueFor(c);
      const change =
        action === 'cancel' ? await queue.cancel(params.id) : await queue.reschedule(params.id);
      if (!change) throw notFound(params.id);
      if (!change.changed) {
        throw new JobForgeError(
          'JOB_STATE_CONFLICT',
          `job ${params.id} is ${change.status}; ${action === 'cancel' ? 'only queued jobs (or ones waiting to retry) can be canceled' : 'only dead, failed or canceled jobs can be retried'}`,
          { where: params.id },
        );
      }
      return { status: 200, body: change };
    });
  }
}
