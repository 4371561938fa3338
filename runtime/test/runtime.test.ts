import { readFileSync } from 'node:fs';
import { verifyEvidence } from '@jobforge/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createConnectorJobHandler,
  createRuntime,
  prepareConnectorDir,
  type Runtime,
  type RuntimeLogLine,
} from '../src/index.js';
import { ECHO, GOOD, hostKey, statementOf } from './helpers.js';

const key = hostKey();
const logs: RuntimeLogLine[] = [];
let runtime: Runtime;

beforeAll(async () => {
  runtime = await createRuntime({
    signingKey: key.privateKeyPem,
    limits: { timeoutMs: 5000, maxInputBytes: 4096 },
    pool: { maxChildren: 4, warm: 1 },
    logger: (line) => logs.push(line),
  });
});
afterAll(async () => {
  await runtime.close();
});

describe('runtime.run', () => {
  it('runs a connector folder in the sandbox and signs host-computed evidence', async () => {
    const run = await runtime.run(
      ECHO,
      { payload: { message: 'hi', uppercase: true } },
      { tenant_id: 'acme', trace_id: 'trace-1' },
    );
    expect(run).toMatchObject({ ok: true, data: { message: 'HI', length: 2 } });
    expect(verifyEvidence(run.evidence, key.publicKeyPem).ok).toBe(true);
    const p = statementOf(run.evidence).predicate;
    expect(p).toMatchObject({
      runner: 'runtime/sandbox',
      status: 'success',
      connector: { id: 'echo', version: '1.0.0' },
      invocation: { trace_id: 'trace-1', tenant_id: 'acme', operation: 'echo.say' },
      claims: { transformed: true },
    });
    expect(p.connector.integrity).toMatch(/^sha256-/);
    expect(p.policy).toMatchObject({ isolation: { network: runtime.isolation.network } });
  });

  it('runs the child under its own uid (as root), with only its temp folder in its environment', async () => {
    const run = await runtime.run(GOOD('whoami'), { payload: {} });
    expect(run.ok).toBe(true);
    const who = (run.ok ? run.data : {}) as {
      uid: number;
      gid: number;
      groups: number[];
      env: string[];
    };
    expect([...who.env].sort()).toEqual(['TEMP', 'TMP', 'TMPDIR']);
    if (process.getuid?.() === 0) {
      expect(who.uid).toBeGreaterThanOrEqual(1_950_000_000);
      expect(who.gid).toBe(who.uid);
      expect(who.groups.every((g) => g === who.gid)).toBe(true);
    }
  });

  it('never lets two tenants share a child', async () => {
    const pid = async (tenant: string) => {
      const run = await runtime.run(GOOD('whoami'), { payload: {} }, { tenant_id: tenant });
      return run.ok ? (run.data as { pid: number }).pid : -1;
    };
    const a1 = await pid('tenant-a');
    const b = await pid('tenant-b');
    const a2 = await pid('tenant-a');
    expect(a1).toBeGreaterThan(0);
    expect(a2).toBe(a1);
    expect(b).not.toBe(a1);
  });

  it('gives the next call of the same connector clean built-ins after a poisoning', async () => {
    const poisoned = await runtime.run(
      GOOD('poison-then-check'),
      { payload: { poison: true } },
      { tenant_id: 'p' },
    );
    // The child's own tamper check is reported, but only the host may sign SANDBOX_VIOLATION.
    expect(poisoned.ok ? 'ok' : poisoned.error.code).toBe('CONNECTOR_THREW');
    expect(poisoned.ok ? '' : poisoned.error.message).toMatch(/isAdmin was added/);
    const next = await runtime.run(
      GOOD('poison-then-check'),
      { payload: { poison: false } },
      { tenant_id: 'p' },
    );
    expect(next).toMatchObject({ ok: true, data: { isAdmin: null, parsed: { a: 1 } } });
  });

  it('reuses a warm child for the same connector and tenant', async () => {
    await runtime.run(ECHO, { payload: { message: 'a' } }, { tenant_id: 'warm' });
    const spawned = runtime.stats().pool.spawned;
    for (let i = 0; i < 5; i++)
      await runtime.run(ECHO, { payload: { message: 'b' } }, { tenant_id: 'warm' });
    // Only spares may have been started since; no child per call.
    expect(runtime.stats().pool.spawned - spawned).toBeLessThanOrEqual(1);
  });

  it('refuses an operation the connector does not declare, with signed evidence', async () => {
    const run = await runtime.run(ECHO, { operation: 'echo.shout', payload: {} });
    expect(run.ok ? 'ok' : run.error.code).toBe('UNKNOWN_OPERATION');
    expect(verifyEvidence(run.evidence, key.publicKeyPem).ok).toBe(true);
  });

  it('refuses input over maxInputBytes before starting anything', async () => {
    const run = await runtime.run(ECHO, { payload: { message: 'x'.repeat(5000) } });
    expect(run.ok ? 'ok' : run.error.code).toBe('INPUT_TOO_LARGE');
  });

  it('throws INVALID_PARAMS for input that is not JSON (the caller’s mistake)', async () => {
    await expect(runtime.run(ECHO, { payload: { n: 1n } as never })).rejects.toMatchObject({
      code: 'INVALID_PARAMS',
    });
  });

  it('throws CONNECTOR_NOT_FOUND for a folder without metadata', async () => {
    await expect(runtime.run('/nonexistent/connector', { payload: {} })).rejects.toMatchObject({
      code: 'CONNECTOR_NOT_FOUND',
    });
  });

  it('hands only declared secrets to the connector and redacts them from messages, logs and evidence', async () => {
    const run = await runtime.run(
      GOOD('secrets'),
      { payload: {} },
      { secrets: { API_TOKEN: 'tok-123456', OTHER: 'never-given' } },
    );
    expect(run).toMatchObject({ ok: true, data: { names: ['API_TOKEN'], length: 10 } });
    const failed = await runtime.run(
      GOOD('secrets'),
      { payload: {} },
      { secrets: { API_TOKEN: 'fail-with-token' } },
    );
    expect(failed.ok ? '' : failed.error.message).toBe('token [REDACTED] was refused');
    const decoded = Buffer.from(failed.evidence.payload, 'base64').toString('utf8');
    expect(decoded).not.toContain('fail-with-token');
    expect(logs.some((l) => l.message === 'using token [REDACTED]')).toBe(true);
    expect(logs.some((l) => l.message.includes('tok-123456'))).toBe(false);
  });
});

describe('recycling', () => {
  it('replaces a child after maxCallsPerChild calls and after an error', async () => {
    const small = await createRuntime({
      signingKey: key.privateKeyPem,
      pool: { maxChildren: 2, warm: 0, maxCallsPerChild: 2 },
    });
    try {
      for (let i = 0; i < 4; i++) await small.run(ECHO, { payload: { message: 'x' } });
      expect(small.stats().pool).toMatchObject({ spawned: 2, recycled: 2 });
      await small.run(ECHO, { payload: {} }); // INVALID_INPUT: the child is not trusted again
      expect(small.stats().pool).toMatchObject({ spawned: 3, recycled: 3, children: 0 });
    } finally {
      await small.close();
    }
  });
});

describe('idle children', () => {
  it('ends children left unused for idleMs', async () => {
    const small = await createRuntime({
      signingKey: key.privateKeyPem,
      pool: { warm: 0, idleMs: 150 },
    });
    try {
      await small.run(ECHO, { payload: { message: 'x' } }, { tenant_id: 'idle' });
      expect(small.stats().pool.idle).toBe(1);
      // Reaped at 150 ms, or at 300 ms if the timer fired a hair early; 1 s leaves room for load.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(small.stats().pool).toMatchObject({ idle: 0, children: 0 });
    } finally {
      await small.close();
    }
  });
});

describe('artifacts', () => {
  it('runs an artifact whose integrity holds and refuses one that was changed', async () => {
    const prepared = await prepareConnectorDir(ECHO, '/tmp/jobforge-runtime-test-artifacts');
    const metadata = JSON.parse(readFileSync(`${ECHO}/metadata.json`, 'utf8'));
    const good = await runtime.run(
      { artifact: { path: prepared.bundlePath, integrity: prepared.integrity, metadata } },
      { payload: { message: 'from artifact' } },
    );
    expect(good.ok).toBe(true);
    expect(statementOf(good.evidence).predicate.connector.integrity).toBe(prepared.integrity);
    const bad = await runtime.run(
      {
        artifact: {
          path: prepared.bundlePath,
          integrity: 'sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
          metadata,
        },
      },
      { payload: { message: 'x' } },
    );
    expect(bad.ok ? 'ok' : bad.error.code).toBe('INTEGRITY_MISMATCH');
    expect(verifyEvidence(bad.evidence, key.publicKeyPem).ok).toBe(true);
  });
});

describe('createConnectorJobHandler', () => {
  it('runs a queued job and returns the signed envelope with the job recorded', async () => {
    const handle = createConnectorJobHandler(runtime, (name) =>
      name === 'echo' ? ECHO : GOOD(name),
    );
    const result = await handle({
      id: 'job-7',
      tenant_id: 'acme',
      trace_id: 'trace-7',
      attempt_no: 2,
      payload: { connector: 'echo', operation: 'echo.say', input: { message: 'queued' } },
    });
    expect(result).toMatchObject({ ok: true, data: { message: 'queued' } });
    expect(statementOf(result.evidence).predicate.invocation).toMatchObject({
      job_id: 'job-7',
      tenant_id: 'acme',
      attempt_no: 2,
    });
  });

  it('throws INVALID_JOB for a payload that is not a connector job', async () => {
    const handle = createConnectorJobHandler(runtime, () => ECHO);
    await expect(
      handle({ id: 'j', tenant_id: 't', payload: { nope: true } as never }),
    ).rejects.toMatchObject({ code: 'INVALID_JOB' });
  });
});

describe('runtime.stats', () => {
  it('counts calls, errors by code and durations per connector', () => {
    const stats = runtime.stats();
    const echo = stats.connectors['echo@1.0.0']!;
    expect(echo.calls).toBeGreaterThanOrEqual(8);
    expect(echo.errors.UNKNOWN_OPERATION).toBe(1);
    expect(echo.duration_ms.p99).toBeGreaterThanOrEqual(echo.duration_ms.p50);
    expect(stats.pool.children).toBeGreaterThanOrEqual(1);
  });
});
