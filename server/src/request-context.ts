import { randomUUID } from 'node:crypto';
import type { Logger } from '@jobforge/queue';
import type { MiddlewareHandler } from 'hono';
import type { ServerEnv } from './server-env.js';

const REQUEST_ID = /^[\w.:@/+=-]{1,200}$/;

/**
 * Gives each request an id (the caller's X-Request-Id when it is sane, else a new UUID), echoes it
 * on the response, and a logger whose every line carries it; logs one line per request at the end.
 */
export function requestContext(log: Logger): MiddlewareHandler<ServerEnv> {
  return async (c, next) => {
    const started = performance.now();
    const given = c.req.header('x-request-id');
    const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
    const requestLog = log.child({ request_id: requestId });
    c.set('requestId', requestId);
    c.set('log', requestLog);
    await next();
    c.header('X-Request-Id', requestId);
    const key = c.get('apiKey');
    requestLog.info('request', {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 100) / 100,
      ...(key ? { key: key.prefix, tenant_id: key.tenant_id } : {}),
    });
  };
}
