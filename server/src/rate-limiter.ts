/** The state of a key's bucket after a request, for the RateLimit-* headers. */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
  /** Seconds to wait before the next request is allowed (0 when allowed). */
  retryAfterSeconds: number;
}

export interface RateLimiterOptions {
  /** Tokens added per second (default 50). */
  perSecond?: number;
  /** Bucket size: the burst a key may spend at once (default 100). */
  burst?: number;
  /** Buckets kept at most; the least recently used are dropped past it (default 100 000). */
  maxKeys?: number;
  now?: () => number;
}

/**
 * Token buckets, one per API key (or per client address where there is no key). A full bucket is
 * forgotten, so memory grows only with keys that are actively spending.
 *
 * @example
 * const limiter = createRateLimiter({ perSecond: 10, burst: 20 });
 * if (!limiter.take(key.id).allowed) return tooManyRequests();
 */
export function createRateLimiter(options: RateLimiterOptions = {}) {
  const perSecond = options.perSecond ?? 50;
  const burst = options.burst ?? 100;
  const maxKeys = options.maxKeys ?? 100_000;
  const now = options.now ?? (() => performance.now());
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key: string): RateDecision {
      const t = now();
      const bucket = buckets.get(key) ?? { tokens: burst, at: t };
      bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.at) / 1000) * perSecond);
      bucket.at = t;
      const allowed = bucket.tokens >= 1;
      if (allowed) bucket.tokens -= 1;
      // Re-insert so the Map's order is least recently used first.
      buckets.delete(key);
      buckets.set(key, bucket);
      if (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value as string);
      return {
        allowed,
        limit: burst,
        remaining: Math.floor(bucket.tokens),
        resetSeconds: Math.ceil((burst - bucket.tokens) / perSecond),
        retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond)),
      };
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
