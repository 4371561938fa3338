export interface CircuitOptions {
  /** Consecutive counted failures that open the circuit. */
  failureThreshold: number;
  /** How long it stays open before one probe call is let through (half-open). */
  resetMs: number;
}

type State = {
  state: 'closed' | 'open' | 'half-open';
  failures: number;
  openedAt: number;
  probing: boolean;
};

/**
 * Circuit breakers per connector version: closed → open after `failureThreshold` consecutive
 * failures → half-open after `resetMs`, letting one probe through; the probe's success closes it,
 * its failure opens it again.
 */
export class CircuitBreakers {
  readonly #circuits = new Map<string, State>();
  readonly #options: CircuitOptions;
  readonly #now: () => number;

  constructor(options: CircuitOptions, now: () => number = () => performance.now()) {
    this.#options = options;
    this.#now = now;
  }

  /** Null when the call may go ahead, else the ms until a probe will be allowed. */
  check(key: string): number | null {
    const c = this.#circuits.get(key);
    if (!c || c.state === 'closed') return null;
    const waited = this.#now() - c.openedAt;
    if (c.state === 'open' && waited >= this.#options.resetMs) {
      c.state = 'half-open';
      c.probing = false;
    }
    if (c.state === 'half-open' && !c.probing) {
      c.probing = true;
      return null;
    }
    return Math.max(1, Math.ceil(this.#options.resetMs - waited));
  }

  record(key: string, failed: boolean): void {
    const c = this.#circuits.get(key) ?? {
      state: 'closed',
      failures: 0,
      openedAt: 0,
      probing: false,
    };
    this.#circuits.set(key, c);
    if (!failed) {
      c.state = 'closed';
      c.failures = 0;
      return;
    }
    c.failures++;
    if (c.state === 'half-open' || c.failures >= this.#options.failureThreshold) {
      c.state = 'open';
      c.openedAt = this.#now();
      c.probing = false;
    }
  }

  state(key: string): string {
    return this.#circuits.get(key)?.state ?? 'closed';
  }
}
