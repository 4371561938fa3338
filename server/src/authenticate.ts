import { getConnInfo } from '@hono/node-server/conninfo';
import type { QueueDriver } from '@jobforge/queue';
import { JobForgeError } from '@jobforge/sdk';
import type { MiddlewareHandler } from 'hono';
import { type ApiKey, apiKeyPrefix, authenticateApiKey } from './api-keys.js';
import type { RateLimiter } from './rate-limiter.js';
import type { ServerEnv } from './server-env.js';

export interface AuthOptions {
  trusted: QueueDriver;
  limiter: RateLimiter;
  /** How long a looked-up key is remembered (default 2000 ms; 0 looks up every request). */
  keyCacheMs?: number;
  /** Records a refused request (an audit row). */
  audit: (entry: AuditEntry) => void;
}

export interface AuditEntry {
  tenantId: string | null;
  keyPrefix: string | null;
  action: string;
  outcome: string;
  status: number;
  requestId: string;
  detail?: Record<string, unknown>;
  /** The client's socket address: refusals carrying one are bounded per address (audit-throttle). */
  address?: string;
}

/**
 * Authenticates `Authorization: Bearer <key>` (or `X-Api-Key`), refuses missing, unknown and
 * revoked keys (401, audited), then spends a token of the key's rate-limit bucket (429 with
 * Retry-After when empty). The key's tenant is the only tenant the request can act for.
 */
export function authenticate(options: AuthOptions): MiddlewareHandler<ServerEnv> {
  const cacheMs = options.keyCacheMs ?? 2000;
  const cache = new Map<string, { key: ApiKey | null; until: number }>();
  const lookup = async (presented: string): Promise<ApiKey | null> => {
    const now = performance.now();
    const hit = cacheMs > 0 ? cache.get(presented) : undefined;
    if (hit && hit.until > now) return hit.key;
    const key = await authenticateApiKey(options.trusted, presented);
    if (cacheMs > 0) {
      if (cache.size > 10_000) cache.clear();
      cache.set(presented, { key, until: now + cacheMs });
    }
    return key;
  };
  return async (c, next) => {
    const header = c.req.header('authorization');
    const presented = header?.startsWith('Bearer ')
      ? header.slice(7).trim()
      : c.req.header('x-api-key')?.trim();
    const refuse = (code: string, message: string, key: ApiKey | null) => {
      options.audit({
        tenantId: key?.tenant_id ?? null,
        keyPrefix: key?.prefix ?? (presented ? (apiKeyPrefix(presented) ?? null) : null),
        action: `${c.req.method} ${c.req.path}`,
        outcome: code,
        status: 401,
        requestId: c.get('requestId'),
        address: clientAddress(c),
      });
      return new JobForgeError(code, message, {
        hint: 'send Authorization: Bearer <key>; `jobforge apikeys create` makes one',
      });
    };
    if (!presented) throw refuse('API_KEY_MISSING', 'this endpoint needs an API key', null);
    const key = await lookup(presented);
    if (!key) throw refuse('API_KEY_INVALID', 'the API key is not known', null);
    if (key.revoked_at) throw refuse('API_KEY_REVOKED', `API key ${key.prefix} was revoked`, key);
    c.set('apiKey', key);
    const decision = options.limiter.take(key.id);
    c.header('RateLimit-Limit', String(decision.limit));
    c.header('RateLimit-Remaining', String(decision.remaining));
    c.header('RateLimit-Reset', String(decision.resetSeconds));
    if (!decision.allowed) {
      c.header('Retry-After', String(decision.retryAfterSeconds));
      throw new JobForgeError(
        'RATE_LIMITED',
        `API key ${key.prefix} is over its rate limit; retry in ${decision.retryAfterSeconds} s`,
      );
    }
    await next();
  };
}

/** The socket's address (never X-Forwarded-For, which the caller writes); `unknown` off Node. */
export function clientAddress(c: Parameters<MiddlewareHandler<ServerEnv>>[0]): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
