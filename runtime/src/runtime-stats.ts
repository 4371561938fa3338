export interface ConnectorStats {
  calls: number;
  ok: number;
  errors: Record<string, number>;
  timeouts: number;
  denials: number;
  retries: number;
  duration_ms: { p50: number; p95: number; p99: number; max: number };
  circuit: string;
}

const WINDOW = 2048;

/** Per-connector counters and a sliding window of durations for the percentiles. */
export class RuntimeStats {
  readonly #by = new Map<
    string,
    {
      calls: number;
      ok: number;
      errors: Record<string, number>;
      timeouts: number;
      denials: number;
      retries: number;
      durations: number[];
    }
  >();

  record(
    connector: string,
    code: string | null,
    durationMs: number,
    denials: number,
    retries: number,
  ): void {
    let s = this.#by.get(connector);
    if (!s) {
      s = { calls: 0, ok: 0, errors: {}, timeouts: 0, denials: 0, retries: 0, durations: [] };
      this.#by.set(connector, s);
    }
    s.calls++;
    s.retries += retries;
    s.denials += denials;
    if (code === null) s.ok++;
    else s.errors[code] = (s.errors[code] ?? 0) + 1;
    if (code === 'TIMEOUT') s.timeouts++;
    s.durations.push(durationMs);
    if (s.durations.length > WINDOW) s.durations.shift();
  }

  snapshot(circuitOf: (connector: string) => string): Record<string, ConnectorStats> {
    const out: Record<string, ConnectorStats> = {};
    for (const [connector, s] of this.#by) {
      const sorted = [...s.durations].sort((a, b) => a - b);
      const at = (q: number) =>
        round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
      out[connector] = {
        calls: s.calls,
        ok: s.ok,
        errors: { ...s.errors },
        timeouts: s.timeouts,
        denials: s.denials,
        retries: s.retries,
        duration_ms: { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: round(sorted.at(-1) ?? 0) },
        circuit: circuitOf(connector),
      };
    }
    return out;
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
