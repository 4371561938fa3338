import { JobForgeError } from '@jobforge/sdk';
import type { ApiRoute } from '@jobforge/sdk/api';
import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import { parseJsonBody } from './json-body.js';
import type { problem } from './problem.js';
import type { ServerEnv } from './server-env.js';

type Parsed<R, K extends string> =
  R extends Record<K, infer S extends z.ZodType> ? z.output<S> : undefined;

export interface RouteInput<R extends ApiRoute> {
  params: Parsed<R, 'params'>;
  query: Parsed<R, 'query'>;
  body: Parsed<R, 'body'>;
  c: Context<ServerEnv>;
}

/** A JSON answer, or a Response as it is (raw bytes with their own headers). */
export type RouteHandler<R extends ApiRoute> = (
  input: RouteInput<R>,
) => Promise<{ status: number; body: unknown } | Response>;

/**
 * Mounts one operation of the route table: validates params, query and body with the route's own
 * schemas (400 with every problem listed), then calls the handler.
 */
export function registerRoute<R extends ApiRoute>(
  app: Hono<ServerEnv>,
  route: R,
  handler: RouteHandler<R>,
): void {
  app.on(route.method.toUpperCase(), route.path, async (c) => {
    const problems: { path: string; message: string }[] = [];
    const check = (where: string, schema: z.ZodType | undefined, value: unknown) => {
      if (!schema) return undefined;
      const result = schema.safeParse(value);
      if (result.success) return result.data;
      for (const issue of result.error.issues) {
        problems.push({
          path: [where, ...issue.path.map(String)].join('.'),
          message: issue.message,
        });
      }
      return undefined;
    };
    const params = check('params', route.params, c.req.param());
    const query = check('query', route.query, c.req.query());
    let body: unknown;
    if (route.body) {
      const text = await c.req.text();
      body = check('body', route.body, parseJsonBody(c.req.header('content-type'), text));
    }
    if (problems.length > 0) {
      throw Object.assign(
        new JobForgeError(
          'INVALID_REQUEST',
          `the request failed validation: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
        ),
        { problems },
      );
    }
    const out = await handler({ params, query, body, c } as RouteInput<R>);
    if (out instanceof Response) return out;
    return c.json(out.body as object, out.status as 200);
  });
}

/** Sends a problem document with its status and content type. */
export function sendProblem(c: Context<ServerEnv>, p: ReturnType<typeof problem>): Response {
  return c.body(
    JSON.stringify({ ...p, request_id: c.get('requestId'), instance: c.req.path }),
    p.status as 400,
    {
      'content-type': 'application/problem+json',
    },
  );
}
