import type { z } from 'zod';
import { JobForgeError } from '../errors.js';
import { API_ROUTES, type ApiOperation, type ApiRoutes } from './api-routes.js';
import type { ProblemSchema } from './api-schemas.js';

type Field<R, K extends string> =
  R extends Record<K, infer S extends z.ZodType> ? { [P in K]: z.input<S> } : { [P in K]?: never };

/** What an operation takes: its path params, query and body as the route's schemas declare them. */
export type ApiInput<Op extends ApiOperation> = Field<ApiRoutes[Op], 'params'> &
  Field<ApiRoutes[Op], 'query'> &
  Field<ApiRoutes[Op], 'body'> & { headers?: Record<string, string> };

/** What an operation answers with on success (any of its success statuses). */
export type ApiOutput<Op extends ApiOperation> = {
  [S in keyof ApiRoutes[Op]['responses']]: ApiRoutes[Op]['responses'][S] extends z.ZodType
    ? z.output<ApiRoutes[Op]['responses'][S]>
    : never;
}[keyof ApiRoutes[Op]['responses']];

export type ApiProblem = z.output<typeof ProblemSchema>;

export interface ApiClientOptions {
  /** Where `jobforge serve` listens, e.g. http://127.0.0.1:8080 */
  baseUrl: string;
  /** An API key from `jobforge apikeys create`. */
  apiKey?: string;
  fetch?: typeof fetch;
}

export type ApiClient = {
  [Op in ApiOperation]: (
    input: ApiInput<Op>,
  ) => Promise<{ status: number; data: ApiOutput<Op>; headers: Headers }>;
};

/** The API's answer for a request it refused: the problem document and its HTTP status. */
export class ApiError extends JobForgeError {
  readonly status: number;
  readonly problem: ApiProblem | undefined;
  constructor(status: number, problem: ApiProblem | undefined, fallback: string) {
    super(problem?.code ?? `HTTP_${status}`, problem?.detail ?? fallback, {
      ...(problem?.where ? { where: problem.where } : {}),
      ...(problem?.hint ? { hint: problem.hint } : {}),
    });
    this.status = status;
    this.problem = problem;
  }
}

/**
 * A typed client for `jobforge serve`, one method per operation of API_ROUTES (the table the
 * server routes and the OpenAPI document come from). A refusal throws ApiError with the problem.
 *
 * @example
 * const api = createApiClient({ baseUrl: 'http://127.0.0.1:8080', apiKey: process.env.JOBFORGE_API_KEY });
 * const { data } = await api.enqueueJob({ body: { type: 'email.send', payload: { to: 'a@b.c' } } });
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/+$/, '');
  const client = {} as Record<string, (input: Record<string, unknown>) => Promise<unknown>>;
  for (const [op, route] of Object.entries(API_ROUTES)) {
    client[op] = async (input) => {
      const params = (input.params ?? {}) as Record<string, string>;
      const path = route.path.replace(/:(\w+)/g, (_, name: string) =>
        encodeURIComponent(String(params[name] ?? '')),
      );
      const url = new URL(base + path);
      for (const [key, value] of Object.entries((input.query ?? {}) as Record<string, unknown>)) {
        if (value !== undefined) url.searchParams.set(key, String(value));
      }
      const headers: Record<string, string> = {
        accept: 'application/json',
        ...((input.headers ?? {}) as Record<string, string>),
      };
      if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
      let body: string | undefined;
      if (input.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(input.body);
      }
      const response = await doFetch(url, { method: route.method.toUpperCase(), headers, body });
      const raw = 'raw' in route && route.raw && response.ok;
      const text = raw ? '' : await response.text();
      const data = raw
        ? new Uint8Array(await response.arrayBuffer())
        : text
          ? safeJson(text)
          : undefined;
      if (!(response.status in route.responses)) {
        throw new ApiError(
          response.status,
          isProblem(data) ? data : undefined,
          `${route.method.toUpperCase()} ${path} answered ${response.status}`,
        );
      }
      return { status: response.status, data, headers: response.headers };
    };
  }
  return client as unknown as ApiClient;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isProblem(value: unknown): value is ApiProblem {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { status?: unknown }).status === 'number'
  );
}
