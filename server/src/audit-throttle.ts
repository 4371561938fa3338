import type { AuditEntry } from './authenticate.js';

export interface AuditThrottleOptions {
  /** One row per address and outcome per window (default 60 s). */
  windowMs?: number;
  /** Addresses tracked at once; past it, new addresses share one bucket (default 10,000). */
  maxAddresses?: number;
  /** Writes a row (the first refusal of a window, or a window's summary). */
  write: (entry: AuditEntry) => void;
}

interface Bucket {
  until: number;
  suppressed: number;
  sample: AuditEntry;
  address: string;
}

/**
 * Bounds the audit rows refused requests write: per client address and outcome, the first refusal
 * of a window is a row; the rest are counted, and when the window ends with any counted, one summary
 * row says how many (`detail.suppressed`). A flood of bad keys from one address costs at most two
 * rows per outcome per window, and memory stays bounded.
 *
 * @example
 * const throttle = createAuditThrottle({ write: (e) => insertAuditRow(e) });
 * throttle.record({ ...entry, address: '203.0.113.9' });
 */
export function createAuditThrottle(options: AuditThrottleOptions) {
  const windowMs = options.windowMs ?? 60_000;
  const maxAddresses = options.maxAddresses ?? 10_000;
  const buckets = new Map<string, Bucket>();

  const summarize = (bucket: Bucket) => {
    if (bucket.suppressed === 0) return;
    options.write({
      ...bucket.sample,
      requestId: `summary:${bucket.sample.requestId}`,
      detail: { address: bucket.address, suppressed: bucket.suppressed, window_ms: windowMs },
    });
  };

  /** Writes summaries of the windows that ended and forgets them. */
  const sweep = (now = performance.now()) => {
    for (const [key, bucket] of buckets) {
      if (bucket.until > now) continue;
      summarize(bucket);
      buckets.delete(key);
    }
  };
  const timer = setInterval(sweep, Math.max(1000, windowMs));
  timer.unref();

  return {
    /** A refused request: a row now, or counted into its address's window. */
    record(entry: AuditEntry & { address: string }): void {
      const now = performance.now();
      let k = `${entry.address}|${entry.outcome}`;
      if (buckets.size >= maxAddresses && !buckets.has(k)) k = `*|${entry.outcome}`;
      const bucket = buckets.get(k);
      if (bucket && bucket.until > now) {
        bucket.suppressed++;
        return;
      }
      if (bucket) summarize(bucket);
      buckets.set(k, {
        until: now + windowMs,
        suppressed: 0,
        sample: entry,
        address: entry.address,
      });
      options.write({ ...entry, detail: { ...entry.detail, address: entry.address } });
    },
    /** Writes every pending summary now (shutdown). */
    flush(): void {
      sweep(Number.POSITIVE_INFINITY);
    },
    close(): void {
      clearInterval(timer);
      sweep(Number.POSITIVE_INFINITY);
    },
  };
}
