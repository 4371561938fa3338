import { describe, expect, it } from 'vitest';
import { backoffDelay, sleep } from '../src/index.js';

const policy = { max_retries: 10, base_delay_ms: 100, max_delay_ms: 1000, backoff_multiplier: 3 };

describe('backoffDelay', () => {
  it('grows exponentially up to the cap, with full jitter below the ceiling', () => {
    const ceilings = [1, 2, 3, 4, 5].map((retry) => backoffDelay(policy, retry, () => 0.999999));
    expect(ceilings).toEqual([99, 299, 899, 999, 999]);
    expect([1, 2, 3].map((retry) => backoffDelay(policy, retry, () => 0))).toEqual([0, 0, 0]);
  });

  it('stays within [0, ceiling) for any random source', () => {
    for (let i = 0; i < 1000; i++) {
      const delay = backoffDelay(policy, 3);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(900);
    }
  });

  it('honours retry-after as a floor, capped by max_delay_ms', () => {
    expect(backoffDelay(policy, 1, () => 0, 500)).toBe(500);
    expect(backoffDelay(policy, 1, () => 0, 60_000)).toBe(1000);
    expect(backoffDelay(policy, 1, () => 0, Number.NaN)).toBe(0);
  });
});

describe('sleep', () => {
  it('resolves false at once when the signal aborts', async () => {
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal);
    controller.abort();
    expect(await pending).toBe(false);
    expect(await sleep(1)).toBe(true);
  });
});
