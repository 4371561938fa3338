import type { RetryPolicy } from './types.js';

/**
 * The wait before retry number `retry` (1 = the first retry): exponential backoff with full jitter,
 * `random() * min(max_delay_ms, base_delay_ms * backoff_multiplier^(retry-1))`. A server's
 * `retryAfterMs` raises the floor, never above `max_delay_ms`.
 *
 * @example
 * backoffDelay({ max_retries: 3, base_delay_ms: 100, max_delay_ms: 1000, backoff_multiplier: 2 }, 3) // in [0, 400)
 */
export function backoffDelay(
  policy: RetryPolicy,
  retry: number,
  random: () => number = Math.random,
  retryAfterMs?: number,
): number {
  const ceiling = Math.min(
    policy.max_delay_ms,
    policy.base_delay_ms * policy.backoff_multiplier ** Math.max(0, retry - 1),
  );
  const jittered = Math.floor(random() * ceiling);
  if (retryAfterMs === undefined || !Number.isFinite(retryAfterMs)) return jittered;
  return Math.max(jittered, Math.min(Math.max(0, retryAfterMs), policy.max_delay_ms));
}

/** Resolves true after `ms`, or false at once if the signal aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (slept: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(slept);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
