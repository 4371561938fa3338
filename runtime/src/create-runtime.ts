import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  backoffDelay,
  boundText,
  type ConnectorError,
  canonicalize,
  type DsseEnvelope,
  EvidenceBuilder,
  type EvidenceDenial,
  type EvidenceEnd,
  isJobForgeError,
  JobForgeError,
  manifestDigest,
  type RetryPolicy,
  type RunEventBody,
  redactJson,
  redactSecrets,
  sha256Hex,
  signEvidence,
  sleep,
  toPrivateKey,
} from '@jobforge/sdk';
import { buildChildRunner } from './build-child-runner.js';
import { defaultCacheDir } from './cache-dir.js';
import type { CheckedOutcome } from './check-outcome.js';
import { ChildPool, type PoolOptions } from './child-pool.js';
import { CircuitBreakers } from './circuit-breaker.js';
import type { EgressPolicy } from './egress/egress-fetch.js';
import { parseAllowList } from './egress/host-allowlist.js';
import { DEFAULT_UID_BASE, detectIsolation } from './isolation.js';
import {
  type ConnectorFault,
  type ConnectorRef,
  type PreparedConnector,
  prepareArtifact,
  prepareConnectorDir,
} from './prepare-connector.js';
import { createFetchObserver } from './record/fetch-observer.js';
import { runAttempt } from './run-attempt.js';
import { runnerSnapshot } from './runner-snapshot.js';
import {
  createArtifactCollector,
  DEFAULT_MAX_ARTIFACT_BYTES,
  DEFAULT_MAX_ARTIFACTS_TOTAL_BYTES,
} from './runs/artifact-collector.js';
import { RuntimeStats } from './runtime-stats.js';
import type {
  RunContext,
  RunInput,
  Runtime,
  RuntimeLimits,
  RuntimeOptions,
  SandboxRun,
} from './runtime-types.js';
import { countsForCircuit, declaredSecrets, hasCircuit, policyOf } from './sandbox-policy.js';
import { TokenBuckets } from './token-bucket.js';

export const DEFAULT_LIMITS: RuntimeLimits = {
  timeoutMs: 30_000,
  memoryMb: 256,
  maxOutputBytes: 8 * 1024 * 1024,
  maxInputBytes: 1024 * 1024,
  maxArtifactBytes: DEFAULT_MAX_ARTIFACT_BYTES,
  maxArtifactsTotalBytes: DEFAULT_MAX_ARTIFACTS_TOTAL_BYTES,
};

const DEFAULT_POOL: PoolOptions = {
  maxChildren: 8,
  warm: 1,
  maxCallsPerChild: 1000,
  idleMs: 60_000,
  startTimeoutMs: 10_000,
};

/**
 * The sandbox runtime: runs connectors in warm, isolated child processes and signs the evidence of
 * every run with the host key after the result has left the child.
 *
 * @example
 * const runtime = await createRuntime({ signingKey: privateKeyPem, policy: {}, limits: { timeoutMs: 5000 } });
 * const run = await runtime.run('connectors/echo', { payload: { message: 'hi' } }, { tenant_id: 'acme' });
 * await runtime.close();
 */
export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const key = toPrivateKey(options.signingKey, 'signingKey');
  const policy = options.policy ?? {};
  const limits: RuntimeLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const isolation = detectIsolation(policy.isolation ?? 'auto', policy.uidBase ?? DEFAULT_UID_BASE);
  // A cached startup snapshot is used from the first child; otherwise it is built in the
  // background while children start from the runner script, and taken up once it is ready.
  const heapMb = Math.max(16, Math.floor(limits.memoryMb * 0.5));
  const snapshot = options.startupSnapshot === false ? undefined : runnerSnapshot(cacheDir, heapMb);
  const runner = await buildChildRunner(cacheDir);
  const cached = await snapshot?.cached;
  const pool = new ChildPool(
    {
      isolation,
      runnerPath: runner.path,
      ...(cached ? { snapshotPath: cached } : {}),
      heapMb,
      // The result frame carries the output plus its envelope; anything much bigger is hostile.
      maxFrameBytes: limits.maxOutputBytes + 64 * 1024,
      rssLimitBytes: limits.memoryMb * 1024 * 1024,
    },
    { ...DEFAULT_POOL, ...options.pool },
  );
  if (snapshot && !cached)
    void snapshot.ready.then((path) => {
      if (path) pool.useSnapshot(path);
    });
  const circuits = new CircuitBreakers({ failureThreshold: 5, resetMs: 30_000, ...policy.circuit });
  const buckets = new TokenBuckets();
  const stats = new RuntimeStats();
  const prepared = new Map<string, Promise<PreparedConnector>>();
  const sources = new Map<string, Promise<string>>();
  const retry: RetryPolicy = {
    max_retries: 0,
    base_delay_ms: 100,
    max_delay_ms: 5000,
    backoff_multiplier: 2,
    ...policy.retry,
  };

  const prepare = (ref: ConnectorRef): Promise<PreparedConnector> => {
    if (typeof ref === 'object' && 'bundlePath' in ref) return Promise.resolve(ref);
    if (typeof ref === 'object' && 'artifact' in ref)
      return prepareArtifact(ref.artifact, cacheDir);
    const dir = typeof ref === 'string' ? ref : ref.dir;
    let pending = prepared.get(dir);
    if (!pending) {
      pending = prepareConnectorDir(dir, cacheDir);
      prepared.set(dir, pending);
      pending.catch(() => prepared.delete(dir));
    }
    return pending;
  };
  const sourceOf = (c: PreparedConnector): Promise<string> => {
    let pending = sources.get(c.integrity);
    if (!pending) {
      pending = readFile(c.bundlePath, 'utf8');
      sources.set(c.integrity, pending);
    }
    return pending;
  };

  async function run(
    ref: ConnectorRef,
    input: RunInput,
    context: RunContext = {},
  ): Promise<SandboxRun> {
    let connector: PreparedConnector;
    let fault: { code: string; message: string } | undefined;
    try {
      connector = await prepare(ref);
    } catch (error) {
      const metadata = (error as Partial<ConnectorFault>).connectorMetadata;
      if (!metadata || !isJobForgeError(error)) throw error;
      connector = { metadata, bundlePath: '', integrity: '' };
      fault = { code: error.code, message: error.message };
    }
    const meta = connector.metadata;
    const name = `${meta.connector_id}@${meta.version}`;
    const operation = input.operation ?? meta.supported_job_types[0] ?? 'run';
    const tenant = context.tenant_id ?? 'default';
    const traceId = context.trace_id ?? randomUUID();
    const timeoutMs = Math.min(context.timeoutMs ?? limits.timeoutMs, limits.timeoutMs);
    let builder: EvidenceBuilder;
    // The input is canonicalised once: its size is checked against maxInputBytes and its hash is
    // the evidence's input hash.
    let canonicalInput: string;
    try {
      canonicalInput = canonicalize({ operation, payload: input.payload });
      builder = new EvidenceBuilder({
        connector: {
          id: meta.connector_id,
          version: meta.version,
          integrity: connector.integrity || null,
        },
        trace_id: traceId,
        tenant_id: tenant,
        job_id: context.job_id ?? null,
        attempt_no: context.attempt_no ?? 1,
        dry_run: context.dry_run ?? false,
        input: { operation, payload: input.payload },
        input_hash: sha256Hex(canonicalInput),
        runner: 'runtime/sandbox',
        ...(context.record?.replayOf ? { replay_of: context.record.replayOf } : {}),
      });
    } catch (error) {
      if (isJobForgeError(error) && error.code === 'NOT_JSON')
        throw new JobForgeError('INVALID_PARAMS', `input.payload: ${error.message}`, {
          where: 'input.payload',
        });
      throw error;
    }
    const secrets = declaredSecrets(meta, context.secrets);
    const denials: EvidenceDenial[] = [];
    const started = performance.now();
    let attempts = 0;
    const record = context.record;
    // Denials are pushed where they happen (egress, child); each becomes one event, in order.
    let denialsSent = 0;
    const emit = (event: RunEventBody) => {
      if (!record?.onEvent) return;
      for (; denialsSent < denials.length; denialsSent++) {
        const d = denials[denialsSent]!;
        record.onEvent({
          kind: 'denial',
          at: new Date().toISOString(),
          code: d.kind,
          name: d.target,
          reason: d.reason,
        });
      }
      record.onEvent(event);
    };
    // A dry run is guarded whether or not it is recorded: unsafe methods never leave the host.
    const observer =
      record || context.dry_run
        ? createFetchObserver(record ?? {}, { dryRun: context.dry_run ?? false, secrets, emit })
        : undefined;
    // Counted (and, when recorded, kept) whether or not the run is recorded: the caps always hold.
    const collector = createArtifactCollector({
      limits: {
        maxArtifactBytes: limits.maxArtifactBytes,
        maxTotalBytes: limits.maxArtifactsTotalBytes,
      },
      ...(record?.artifacts ? { sink: record.artifacts } : {}),
      emit,
    });
    if (record?.onEvent)
      emit({
        kind: 'started',
        at: builder.startedAt.toISOString(),
        attempt: context.attempt_no ?? 1,
      });
    const finish = (checked: CheckedOutcome): SandboxRun => {
      const failure = checked.ok ? null : checked.error;
      if (failure?.code === 'TIMEOUT')
        emit({
          kind: 'timeout',
          at: new Date().toISOString(),
          code: 'TIMEOUT',
          reason: failure.message,
        });
      if (record?.onEvent)
        emit({
          kind: 'finished',
          at: new Date().toISOString(),
          outcome: checked.ok ? 'success' : 'failure',
          ...(failure ? { code: failure.code } : {}),
          duration_ms: Math.round(performance.now() - started),
        });
      const manifest = record?.seal?.({
        outcome: checked.ok
          ? { ok: true, data: checked.data }
          : { ok: false, error: checked.error },
        recording: observer?.recording(),
        unmatched: observer?.unmatched ?? [],
        artifacts: collector.artifacts(),
      });
      const end = {
        ...(manifest
          ? { manifest: { sha256: manifestDigest(manifest), artifacts: manifest.artifacts.length } }
          : {}),
        attempts: Math.max(1, attempts),
        policy: policyOf(isolation, limits, policy, meta, timeoutMs),
        denials: denials.map(wellFormedDenial),
        // The connector's own words: declared secrets are taken out before the host signs them.
        claims: redactJson(checked.claims, secrets),
      };
      const { outcome, evidence } = signOutcome(builder, key, checked, end);
      const error = outcome.ok ? null : outcome.error;
      stats.record(
        name,
        error?.code ?? null,
        performance.now() - started,
        denials.length,
        Math.max(0, attempts - 1),
      );
      if (hasCircuit(meta) && error?.code !== 'CIRCUIT_OPEN' && error?.code !== 'RATE_LIMITED') {
        if (!error) circuits.record(name, false);
        else if (countsForCircuit(meta, error.code)) circuits.record(name, true);
      }
      return outcome.ok
        ? { ok: true, data: outcome.data, evidence }
        : { ok: false, error: outcome.error, evidence };
    };
    const fail = (
      code: string,
      message: string,
      retryable = false,
      extra: Partial<ConnectorError> = {},
    ): SandboxRun =>
      finish({ ok: false, error: { code, message, retryable, ...extra }, claims: undefined });

    if (fault) return fail(fault.code, fault.message);
    if (meta.supported_job_types.length > 0 && !meta.supported_job_types.includes(operation))
      return fail(
        'UNKNOWN_OPERATION',
        `${name} does not support ${operation}; it supports ${meta.supported_job_types.join(', ')}`,
      );
    const inputBytes = Buffer.byteLength(canonicalInput);
    if (inputBytes > limits.maxInputBytes)
      return fail(
        'INPUT_TOO_LARGE',
        `the input is ${inputBytes} bytes; the limit is ${limits.maxInputBytes}`,
      );
    if (hasCircuit(meta)) {
      const wait = circuits.check(name);
      if (wait !== null)
        return fail('CIRCUIT_OPEN', `${name} failed repeatedly; calls resume in ${wait} ms`, true, {
          retry_after_ms: wait,
        });
    }
    if (meta.rate_limits) {
      const wait = buckets.take(
        `${tenant}\u0000${name}`,
        meta.rate_limits.requests_per_second,
        meta.rate_limits.burst_size,
      );
      if (wait > 0)
        return fail('RATE_LIMITED', `${name} is over its rate limit for tenant ${tenant}`, true, {
          retry_after_ms: wait,
        });
    }

    let source: string;
    try {
      source = await sourceOf(connector);
    } catch {
      return fail('CONNECTOR_LOAD_FAILED', `the bundle of ${name} cannot be read`);
    }
    const egress: EgressPolicy = {
      allow: parseAllowList(meta.permissions.network),
      allowPrivateAddresses: policy.allowPrivateAddresses ?? [],
      maxResponseBytes: policy.maxResponseBytes ?? 10 * 1024 * 1024,
      maxRedirects: policy.maxRedirects ?? 5,
    };
    let outcome: CheckedOutcome;
    for (;;) {
      attempts++;
      // A retried attempt starts again: what a failed attempt put is not this run's.
      collector.close(true);
      const result = await runAttempt(pool, connector, source, {
        maxRequests: policy.maxRequestsPerCall ?? 100,
        tenant,
        frame: {
          t: 'call',
          id: attempts,
          params: {
            config: {
              retry_policy: { ...retry, max_retries: 0 },
              timeout_ms: timeoutMs,
              ...(context.settings ? { settings: context.settings } : {}),
            },
            input: { operation, payload: input.payload },
            context: {
              trace_id: traceId,
              tenant_id: tenant,
              dry_run: context.dry_run ?? false,
              attempt_no: (context.attempt_no ?? 1) + attempts - 1,
              ...(context.job_id ? { job_id: context.job_id } : {}),
              secrets,
            },
          },
          timeoutMs,
          maxOutputBytes: limits.maxOutputBytes,
        },
        timeoutMs,
        secrets,
        egress,
        denials,
        ...(observer ? { intercept: observer } : {}),
        artifacts: collector,
        log: (level, message, fields) => {
          const redacted = redactSecrets(message, secrets);
          emit({ kind: 'log', at: new Date().toISOString(), level, message: redacted });
          options.logger?.({
            level,
            message: redacted,
            fields: redactJson(fields, secrets) as typeof fields,
            connector: name,
            trace_id: traceId,
            tenant_id: tenant,
          });
        },
        onLogsCut: (kept) =>
          emit({
            kind: 'truncated',
            at: new Date().toISOString(),
            name: 'log',
            reason: `more than ${kept} log lines; the rest were dropped`,
          }),
      });
      outcome = result.outcome;
      if (outcome.ok) break;
      const failed = outcome.error;
      const mode = meta.failure_modes.find((m) => m.type === failed.code);
      if (!mode?.retryable || attempts > mode.max_retries) break;
      emit({
        kind: 'retry',
        at: new Date().toISOString(),
        code: failed.code,
        attempt: attempts + 1,
      });
      await sleep(backoffDelay(retry, attempts, Math.random, failed.retry_after_ms));
    }
    return finish(outcome);
  }

  return {
    isolation,
    run,
    stats: () => ({
      isolation,
      pool: pool.stats(),
      connectors: stats.snapshot((c) => circuits.state(c)),
    }),
    close: async () => {
      snapshot?.cancel();
      await pool.close();
    },
  };
}

/** Every string the host signs is well-formed: a lone surrogate would make signing refuse it. */
function wellFormedDenial(d: EvidenceDenial): EvidenceDenial {
  return {
    kind: boundText(d.kind, 40),
    target: boundText(d.target, 300),
    reason: boundText(d.reason, 1000),
  };
}

/**
 * Every run ends with signed evidence: the host signs what it built; if that cannot be signed (a
 * value it did not make well-formed), it signs a failure that says so, without the connector's
 * claims, and returns that failure, so the caller never gets a result its evidence does not cover.
 */
function signOutcome(
  builder: EvidenceBuilder,
  key: ReturnType<typeof toPrivateKey>,
  checked: CheckedOutcome,
  end: EvidenceEnd,
): { outcome: CheckedOutcome; evidence: DsseEnvelope } {
  const outcome: CheckedOutcome = checked.ok
    ? checked
    : { ...checked, error: { ...checked.error, message: boundText(checked.error.message, 1000) } };
  try {
    const statement = outcome.ok
      ? builder.buildSuccess(
          outcome.data,
          outcome.outputHash ? { ...end, output_hash: outcome.outputHash } : end,
        )
      : builder.buildFailure(outcome.error, end);
    return { outcome, evidence: signEvidence(statement, key) };
  } catch {
    const error: ConnectorError = {
      code: 'INVALID_RESULT',
      message: 'the host could not sign evidence for what the connector reported; it was dropped',
      retryable: false,
    };
    const fallback = { ...end, claims: undefined, denials: [] };
    return {
      outcome: { ok: false, error, claims: undefined },
      evidence: signEvidence(builder.buildFailure(error, fallback), key),
    };
  }
}
