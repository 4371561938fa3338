import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '../src/index.js';
import { GOOD, hostKey, statementOf } from './helpers.js';

const key = hostKey();
let runtime: Runtime;

beforeAll(async () => {
  runtime = await createRuntime({
    signingKey: key.privateKeyPem,
    policy: {
      retry: { base_delay_ms: 1, max_delay_ms: 5 },
      circuit: { failureThreshold: 3, resetMs: 400 },
    },
    limits: { timeoutMs: 5000 },
    pool: { maxChildren: 3, warm: 1 },
  });
});
afterAll(async () => {
  await runtime.close();
});

describe('failure_modes', () => {
  it('retries a retryable failure up to max_retries and records the attempts', async () => {
    const run = await runtime.run(
      GOOD('flaky'),
      { payload: { succeedOn: 3 } },
      { tenant_id: 'retry' },
    );
    expect(run).toMatchObject({ ok: true, data: { attempt: 3 } });
    expect(statementOf(run.evidence).predicate.invocation.attempts).toBe(3);
  });

  it('opens the circuit after consecutive failures, then lets one probe through', async () => {
    // Each run makes 3 attempts and counts as one failure; the third failure opens the circuit.
    for (let i = 0; i < 3; i++) {
      const run = await runtime.run(
        GOOD('flaky'),
        { payload: { succeedOn: 0 } },
        { tenant_id: 'circuit' },
      );
      expect(run.ok ? 'ok' : run.error.code).toBe('UPSTREAM_DOWN');
    }
    const refused = await runtime.run(
      GOOD('flaky'),
      { payload: { succeedOn: 1 } },
      { tenant_id: 'circuit' },
    );
    expect(refused.ok ? 'ok' : refused.error.code).toBe('CIRCUIT_OPEN');
    expect(refused.ok ? 0 : refused.error.retry_after_ms).toBeGreaterThan(0);
    expect(runtime.stats().connectors['flaky@1.0.0']!.circuit).toBe('open');
    await new Promise((resolve) => setTimeout(resolve, 450));
    const probe = await runtime.run(
      GOOD('flaky'),
      { payload: { succeedOn: 1 } },
      { tenant_id: 'circuit' },
    );
    expect(probe.ok).toBe(true);
    expect(runtime.stats().connectors['flaky@1.0.0']!.circuit).toBe('closed');
  });
});

describe('rate_limits', () => {
  it('gives each tenant its own token bucket of burst_size', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 3; i++) {
      const run = await runtime.run(GOOD('limited'), { payload: {} }, { tenant_id: 'a' });
      codes.push(run.ok ? 'ok' : run.error.code);
    }
    expect(codes).toEqual(['ok', 'ok', 'RATE_LIMITED']);
    const other = await runtime.run(GOOD('limited'), { payload: {} }, { tenant_id: 'b' });
    expect(other.ok).toBe(true);
    const limited = await runtime.run(GOOD('limited'), { payload: {} }, { tenant_id: 'a' });
    expect(limited.ok ? 0 : limited.error.retry_after_ms).toBeGreaterThan(0);
  });
});
