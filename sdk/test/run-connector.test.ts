import { describe, expect, it } from 'vitest';
import {
  type ConnectorFn,
  defineConnector,
  hashOutput,
  isJobForgeError,
  runConnector,
} from '../src/index.js';

const echo = defineConnector<{ message: string }, { message: string }>(({ input }) => ({
  ok: true,
  data: { message: input.payload.message },
  evidence: { input_hash: 'forged', note: 'seen' },
}));

const noWait = { sleep: async () => true, random: () => 0.5 };

/** A fake sleep that records the delay it was asked for and returns at once. */
function record(delays: number[], ms: number): true {
  delays.push(ms);
  return true;
}

describe('runConnector', () => {
  it('returns the data and evidence whose hashes the runner computed', async () => {
    const result = await runConnector(
      echo,
      {
        input: { operation: 'echo.say', payload: { message: 'hi' } },
        context: { tenant_id: 't1', trace_id: 'tr' },
      },
      { connector: { id: 'echo', version: '1.2.3' } },
    );
    expect(result).toMatchObject({ ok: true, data: { message: 'hi' } });
    const p = result.evidence.predicate;
    expect(p.input_hash).toBe(hashOutput({ operation: 'echo.say', payload: { message: 'hi' } }));
    expect(p.output_hash).toBe(hashOutput({ message: 'hi' }));
    // What the connector put in its evidence is a claim, never the recorded hash.
    expect(p.claims).toEqual({ input_hash: 'forged', note: 'seen' });
    expect(p.connector).toEqual({ id: 'echo', version: '1.2.3', integrity: null });
    expect(p.invocation).toMatchObject({
      tenant_id: 't1',
      trace_id: 'tr',
      attempts: 1,
      attempt_no: 1,
    });
  });

  it('turns a thrown error into CONNECTOR_THREW with a safe message: no stack, secrets redacted', async () => {
    const thrower: ConnectorFn = () => {
      throw new TypeError('token sk_live_12345 was refused');
    };
    const result = await runConnector(thrower, {
      input: { operation: 'x', payload: null },
      context: { secrets: { KEY: 'sk_live_12345' } },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toEqual({
      code: 'CONNECTOR_THREW',
      message: 'connector threw TypeError: token [REDACTED] was refused',
      retryable: false,
    });
    expect(result.evidence.predicate.error_code).toBe('CONNECTOR_THREW');
  });

  it('describes a thrown non-Error without its value', async () => {
    const result = await runConnector((() => Promise.reject(42)) as ConnectorFn, {
      input: { operation: 'x', payload: null },
    });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'CONNECTOR_THREW', message: 'connector threw a non-Error value (number)' },
    });
  });

  it('aborts the signal and returns TIMEOUT past timeout_ms', async () => {
    let aborted = false;
    const hang: ConnectorFn = ({ context }) =>
      new Promise(() => {
        context.signal.addEventListener('abort', () => {
          aborted = true;
        });
      });
    const result = await runConnector(hang, {
      config: { timeout_ms: 30, retry_policy: { max_retries: 0 } },
      input: { operation: 'x', payload: null },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'TIMEOUT', retryable: true } });
    expect(aborted).toBe(true);
  });

  it('retries retryable failures with capped full-jitter backoff, counting attempts', async () => {
    const attempts: number[] = [];
    const delays: number[] = [];
    const flaky: ConnectorFn = ({ context }) => {
      attempts.push(context.attempt_no);
      return context.attempt_no < 4
        ? { ok: false, error: { code: 'UPSTREAM_5XX', message: 'bad gateway', retryable: true } }
        : { ok: true, data: 'done' };
    };
    const result = await runConnector(
      flaky,
      {
        config: {
          retry_policy: {
            max_retries: 5,
            base_delay_ms: 100,
            max_delay_ms: 250,
            backoff_multiplier: 2,
          },
        },
        input: { operation: 'x', payload: null },
      },
      { sleep: async (ms) => record(delays, ms), random: () => 0.5 },
    );
    expect(result).toMatchObject({ ok: true, data: 'done' });
    expect(attempts).toEqual([1, 2, 3, 4]);
    // ceilings 100, 200, 400→capped 250; full jitter at 0.5 halves them.
    expect(delays).toEqual([50, 100, 125]);
    expect(result.evidence.predicate.invocation.attempts).toBe(4);
  });

  it('stops after max_retries and returns the last failure', async () => {
    let calls = 0;
    const down: ConnectorFn = () => {
      calls++;
      return { ok: false, error: { code: 'DOWN', message: 'down', retryable: true } };
    };
    const result = await runConnector(
      down,
      { config: { retry_policy: { max_retries: 2 } }, input: { operation: 'x', payload: null } },
      noWait,
    );
    expect(calls).toBe(3);
    expect(result).toMatchObject({ ok: false, error: { code: 'DOWN' } });
  });

  it('does not retry a non-retryable failure', async () => {
    let calls = 0;
    const bad: ConnectorFn = () => {
      calls++;
      return { ok: false, error: { code: 'INVALID_INPUT', message: 'no', retryable: false } };
    };
    await runConnector(
      bad,
      { config: { retry_policy: { max_retries: 5 } }, input: { operation: 'x', payload: null } },
      noWait,
    );
    expect(calls).toBe(1);
  });

  it('waits at least a server Retry-After, capped by max_delay_ms', async () => {
    const delays: number[] = [];
    let calls = 0;
    const limited: ConnectorFn = () =>
      calls++ === 0
        ? {
            ok: false,
            error: { code: 'RATE_LIMITED', message: '429', retryable: true, retry_after_ms: 5000 },
          }
        : { ok: true, data: 1 };
    await runConnector(
      limited,
      {
        config: { retry_policy: { max_retries: 1, base_delay_ms: 10, max_delay_ms: 2000 } },
        input: { operation: 'x', payload: null },
      },
      {
        sleep: async (ms) => record(delays, ms),
        random: () => 0,
      },
    );
    expect(delays).toEqual([2000]);
  });

  it('returns ABORTED when the caller aborts, without retrying', async () => {
    const controller = new AbortController();
    let calls = 0;
    const slow: ConnectorFn = () => {
      calls++;
      setTimeout(() => controller.abort(), 5);
      return new Promise(() => {});
    };
    const result = await runConnector(slow, {
      config: { retry_policy: { max_retries: 3 } },
      input: { operation: 'x', payload: null },
      context: { signal: controller.signal },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'ABORTED', retryable: false } });
    expect(calls).toBe(1);
  });

  it.each([
    ['a non-object', 'yes', /expected \{ ok, data \| error \}/],
    ['ok without data', { ok: true }, /no data/],
    ['data that is not JSON', { ok: true, data: { n: 1n } }, /BigInt/],
    ['an error without retryable', { ok: false, error: { code: 'X', message: 'm' } }, /retryable/],
    [
      'an error with a bad code',
      { ok: false, error: { code: 'has spaces', message: 'm', retryable: false } },
      /error.code/,
    ],
    ['ok that is not a boolean', { ok: 'yes' }, /ok must be/],
  ])('reports %s as INVALID_RESULT', async (_name, returned, message) => {
    const result = await runConnector((() => returned) as unknown as ConnectorFn, {
      input: { operation: 'x', payload: null },
    });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'INVALID_RESULT', retryable: false },
    });
    if (!result.ok) expect(result.error.message).toMatch(message);
  });

  it('redacts secrets from a connector-provided error message', async () => {
    const leaky: ConnectorFn = () => ({
      ok: false,
      error: { code: 'AUTH', message: 'key c2VjcmV0LXZhbHVl rejected', retryable: false },
    });
    const result = await runConnector(leaky, {
      input: { operation: 'x', payload: null },
      context: { secrets: { K: 'secret-value' } },
    });
    expect(!result.ok && result.error.message).toBe('key [REDACTED] rejected');
  });

  it.each([
    ['no input', {}, /params.input/],
    ['an empty operation', { input: { operation: '', payload: 1 } }, /params.input.operation/],
    [
      'a negative timeout',
      { input: { operation: 'x', payload: 1 }, config: { timeout_ms: -1 } },
      /params.config.timeout_ms/,
    ],
    [
      'an unknown config key',
      { input: { operation: 'x', payload: 1 }, config: { retries: 3 } },
      /params.config/,
    ],
    [
      'a non-JSON payload',
      { input: { operation: 'x', payload: { f: () => 1 } } },
      /params.input.payload.f/,
    ],
    [
      'max_delay below base',
      {
        input: { operation: 'x', payload: 1 },
        config: { retry_policy: { base_delay_ms: 10, max_delay_ms: 5 } },
      },
      /max_delay_ms/,
    ],
  ])('throws INVALID_PARAMS for %s', async (_name, params, message) => {
    const error = await runConnector(echo as unknown as ConnectorFn, params as never).catch(
      (e: unknown) => e,
    );
    expect(isJobForgeError(error) && error.code).toBe('INVALID_PARAMS');
    expect((error as Error).message).toMatch(message);
  });

  it('gives the connector a signal, fetch, secrets and logger', async () => {
    const seen: string[] = [];
    const probe: ConnectorFn = ({ context }) => {
      seen.push(
        typeof context.fetch,
        String(context.signal instanceof AbortSignal),
        String(Object.isFrozen(context.secrets)),
        typeof context.logger.info,
      );
      return { ok: true, data: null };
    };
    await runConnector(probe, { input: { operation: 'x', payload: null } });
    expect(seen).toEqual(['function', 'true', 'true', 'function']);
  });
});

describe('runConnector: review regressions', () => {
  const secrets = { API_KEY: 'sk_live_SECRET123' };

  it('redacts secrets from claims, invalid-result reasons, and refuses a secret as error code', async () => {
    const claimer: ConnectorFn = () => ({
      ok: true,
      data: 1,
      evidence: { auth: 'sk_live_SECRET123', [`k_sk_live_SECRET123`]: 1 },
    });
    const claimed = await runConnector(claimer, {
      input: { operation: 'x', payload: null },
      context: { secrets },
    });
    expect(JSON.stringify(claimed.evidence)).not.toContain('sk_live_SECRET123');
    expect(claimed.evidence.predicate.claims).toEqual({ auth: '[REDACTED]', 'k_[REDACTED]': 1 });

    const badData: ConnectorFn = () => ({ ok: true, data: { sk_live_SECRET123: Number.NaN } });
    const invalid = await runConnector(badData, {
      input: { operation: 'x', payload: null },
      context: { secrets },
    });
    expect(!invalid.ok && invalid.error.code).toBe('INVALID_RESULT');
    expect(JSON.stringify(invalid)).not.toContain('sk_live_SECRET123');

    const codeLeak: ConnectorFn = () => ({
      ok: false,
      error: { code: 'sk_live_SECRET123', message: 'x', retryable: false },
    });
    const leaked = await runConnector(codeLeak, {
      input: { operation: 'x', payload: null },
      context: { secrets },
    });
    expect(!leaked.ok && leaked.error.code).toBe('INVALID_RESULT');
    expect(JSON.stringify(leaked)).not.toContain('sk_live_SECRET123');
  });

  it('never calls the connector when the signal is already aborted', async () => {
    let calls = 0;
    const counted: ConnectorFn = () => {
      calls++;
      return { ok: true, data: null };
    };
    const result = await runConnector(counted, {
      input: { operation: 'x', payload: null },
      context: { signal: AbortSignal.abort() },
    });
    expect(calls).toBe(0);
    expect(result).toMatchObject({ ok: false, error: { code: 'ABORTED' } });
    expect(result.evidence.predicate.invocation.attempts).toBe(0);
  });

  it('leaves no abort listener behind on a long-lived signal', async () => {
    const { getEventListeners } = await import('node:events');
    const controller = new AbortController();
    for (let i = 0; i < 20; i++) {
      await runConnector(echo as unknown as ConnectorFn, {
        input: { operation: 'x', payload: { message: 'm' } },
        context: { signal: controller.signal },
      });
    }
    expect(getEventListeners(controller.signal, 'abort').length).toBe(0);
  });

  it('returns the copy of the data it hashed, not the connector live object', async () => {
    let reads = 0;
    const shifty: ConnectorFn = () => ({
      ok: true,
      data: {
        get value() {
          reads++;
          return reads;
        },
      } as never,
    });
    const result = await runConnector(shifty, { input: { operation: 'x', payload: null } });
    // Whatever the getter answered, the caller holds a plain copy and its hash is the signed one.
    expect(result.ok && Object.getOwnPropertyDescriptor(result.data, 'value')?.get).toBeUndefined();
    expect(result.evidence.predicate.output_hash).toBe(hashOutput(result.ok ? result.data : null));
    const before = hashOutput(result.ok ? result.data : null);
    expect(hashOutput(result.ok ? result.data : null)).toBe(before);
  });
});

describe('parsePayload', () => {
  it('answers the data, or an INVALID_INPUT outcome naming the first problem path', async () => {
    const { parsePayload } = await import('../src/index.js');
    const { z } = await import('zod');
    const schema = z.strictObject({ to: z.object({ url: z.string().url() }) });
    expect(parsePayload(schema, { to: { url: 'https://example.test/' } })).toEqual({
      ok: true,
      data: { to: { url: 'https://example.test/' } },
    });
    const bad = parsePayload(schema, { to: { url: 'nope' } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', retryable: false } });
    expect(!bad.ok && bad.error.message).toMatch(/^payload\.to\.url: /);
    expect(parsePayload(schema, 'text')).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/^payload: /) },
    });
  });
});
