import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { JobForgeError } from './errors.js';
import type {
  ConnectorConfig,
  ConnectorContext,
  ConnectorInput,
  ConnectorLogger,
  JsonObject,
} from './types.js';

/** The defaults `runConnector` fills in for anything a caller leaves out. */
export const DEFAULT_CONFIG: ConnectorConfig = {
  retry_policy: { max_retries: 2, base_delay_ms: 200, max_delay_ms: 30_000, backoff_multiplier: 2 },
  timeout_ms: 30_000,
};

/** What a caller passes to `runConnector`: the connector's params with every default optional. */
export interface RunConnectorParams<P = unknown> {
  config?: Partial<Omit<ConnectorConfig, 'retry_policy'>> & {
    retry_policy?: Partial<ConnectorConfig['retry_policy']>;
  };
  input: ConnectorInput<P>;
  context?: Partial<ConnectorContext>;
}

export interface ResolvedRunParams<P> {
  config: ConnectorConfig;
  input: ConnectorInput<P>;
  context: Omit<ConnectorContext, 'signal'> & { signal: AbortSignal | undefined };
}

const ms = (max: number) => z.number().int().min(0).max(max);

const retryPolicySchema = z.strictObject({
  max_retries: z.number().int().min(0).max(100).optional(),
  base_delay_ms: ms(86_400_000).optional(),
  max_delay_ms: ms(86_400_000).optional(),
  backoff_multiplier: z.number().min(1).max(100).optional(),
});

const paramsSchema = z.strictObject({
  config: z
    .strictObject({
      retry_policy: retryPolicySchema.optional(),
      timeout_ms: z.number().int().min(1).max(86_400_000).optional(),
      settings: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
  input: z.strictObject({
    operation: z.string().min(1).max(200),
    payload: z.unknown(),
  }),
  context: z
    .strictObject({
      trace_id: z.string().min(1).max(200).optional(),
      tenant_id: z.string().min(1).max(200).optional(),
      dry_run: z.boolean().optional(),
      attempt_no: z.number().int().min(1).optional(),
      signal: z
        .custom<AbortSignal>((v) => v instanceof AbortSignal, 'expected an AbortSignal')
        .optional(),
      fetch: z
        .custom<typeof fetch>((v) => typeof v === 'function', 'expected a fetch function')
        .optional(),
      secrets: z.record(z.string(), z.string()).optional(),
      logger: z
        .custom<ConnectorLogger>(isLogger, 'expected a logger with debug/info/warn/error')
        .optional(),
      job_id: z.string().min(1).max(200).optional(),
    })
    .optional(),
});

function isLogger(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const logger = value as Record<string, unknown>;
  return ['debug', 'info', 'warn', 'error'].every((level) => typeof logger[level] === 'function');
}

const silentLogger: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Validates and completes `runConnector` params; throws `INVALID_PARAMS` listing every problem. */
export function resolveRunParams<P>(params: RunConnectorParams<P>): ResolvedRunParams<P> {
  const parsed = paramsSchema.safeParse(params);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `params${issue.path.map(pathPart).join('')}: ${issue.message}`,
    );
    throw new JobForgeError(
      'INVALID_PARAMS',
      `runConnector was called with invalid params:\n  ${problems.join('\n  ')}`,
      {
        where: problems[0]?.split(':')[0],
      },
    );
  }
  const config = parsed.data.config ?? {};
  const context = parsed.data.context ?? {};
  const retry = { ...DEFAULT_CONFIG.retry_policy, ...config.retry_policy };
  if (retry.max_delay_ms < retry.base_delay_ms) {
    throw new JobForgeError(
      'INVALID_PARAMS',
      `params.config.retry_policy: max_delay_ms (${retry.max_delay_ms}) is below base_delay_ms (${retry.base_delay_ms})`,
      {
        where: 'params.config.retry_policy',
      },
    );
  }
  const resolved: ResolvedRunParams<P> = {
    config: {
      retry_policy: retry,
      timeout_ms: config.timeout_ms ?? DEFAULT_CONFIG.timeout_ms,
      ...(config.settings ? { settings: config.settings as JsonObject } : {}),
    },
    input: params.input,
    context: {
      trace_id: context.trace_id ?? randomUUID(),
      tenant_id: context.tenant_id ?? 'default',
      dry_run: context.dry_run ?? false,
      attempt_no: context.attempt_no ?? 1,
      signal: context.signal,
      fetch: context.fetch ?? globalThis.fetch,
      secrets: Object.freeze({ ...context.secrets }),
      logger: context.logger ?? silentLogger,
      ...(context.job_id ? { job_id: context.job_id } : {}),
    },
  };
  return resolved;
}

function pathPart(part: PropertyKey): string {
  return typeof part === 'number' ? `[${part}]` : `.${String(part)}`;
}
