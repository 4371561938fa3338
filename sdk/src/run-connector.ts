import { backoffDelay, sleep } from './backoff.js';
import { boundText } from './bound-text.js';
import { canonicalize } from './canonicalize.js';
import { isJobForgeError, JobForgeError } from './errors.js';
import { EvidenceBuilder } from './evidence-builder.js';
import { sha256Hex } from './hash-output.js';
import { redactJson, redactSecrets, safeErrorMessage } from './redact.js';
import { type ResolvedRunParams, type RunConnectorParams, resolveRunParams } from './run-params.js';
import type { ConnectorError, ConnectorFn, ConnectorOutcome, ConnectorResult } from './types.js';

export interface RunConnectorOptions {
  /** Who the connector is, for the evidence; `integrity` is the artifact's SRI hash when known. */
  connector?: { id: string; version: string; integrity?: string | null };
  /** Replaces the backoff wait (tests pass a fake); resolves false when interrupted. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<boolean>;
  /** Jitter source in [0, 1). */
  random?: () => number;
}

/** Longest error message kept from a connector; longer ones are cut. */
const MAX_MESSAGE = 1000;

/**
 * Runs a connector in-process: validates params, gives each attempt an AbortSignal that fires at
 * `timeout_ms`, retries retryable failures with exponential backoff and full jitter, and returns
 * the outcome with the runner's own evidence statement (unsigned; sign it with `signEvidence`).
 *
 * It never throws for the connector's failure: a thrown value becomes `CONNECTOR_THREW`, a hung
 * attempt `TIMEOUT`, a malformed result `INVALID_RESULT`, a caller's abort `ABORTED`. Invalid
 * params are the caller's mistake and throw `INVALID_PARAMS`.
 *
 * @example
 * const result = await runConnector(echo, { input: { operation: 'echo.say', payload: { message: 'hi' } } });
 * if (result.ok) console.log(result.data);
 */
export async function runConnector<P, D>(
  fn: ConnectorFn<P, D>,
  params: RunConnectorParams<P>,
  options: RunConnectorOptions = {},
): Promise<ConnectorResult<D>> {
  if (typeof fn !== 'function') {
    throw new JobForgeError(
      'INVALID_PARAMS',
      `runConnector expects a connector function, got ${typeof fn}`,
      { where: 'fn' },
    );
  }
  const resolved = resolveRunParams(params);
  const builder = startEvidence(resolved, options);
  const policy = resolved.config.retry_policy;
  const wait = options.sleep ?? sleep;
  const external = resolved.context.signal;

  if (external?.aborted) {
    // The caller gave up before the first attempt: the connector is never called.
    const error = abortedError();
    return { ok: false, error, evidence: builder.buildFailure(error, { attempts: 0 }) };
  }
  let attempt = 0;
  let outcome: Settled<D>;
  for (;;) {
    attempt++;
    outcome = await runAttempt(fn, resolved, resolved.context.attempt_no + attempt - 1);
    if (outcome.ok || !outcome.error.retryable || attempt > policy.max_retries) break;
    if (external?.aborted) break;
    const delay = backoffDelay(policy, attempt, options.random, outcome.error.retry_after_ms);
    if (!(await wait(delay, external))) {
      outcome = { ok: false, error: abortedError(), claims: outcome.claims };
      break;
    }
  }

  // Claims are the connector's words: secrets are taken out before they can reach the evidence.
  const end = { attempts: attempt, claims: redactJson(outcome.claims, resolved.context.secrets) };
  if (outcome.ok) {
    // The caller gets the detached copy that was hashed, so data and output_hash always agree.
    return {
      ok: true,
      data: outcome.data,
      evidence: builder.buildSuccess(outcome.data, { ...end, output_hash: outcome.outputHash }),
    };
  }
  return { ok: false, error: outcome.error, evidence: builder.buildFailure(outcome.error, end) };
}

type Settled<D> =
  | { ok: true; data: D; outputHash: string; claims: unknown }
  | { ok: false; error: ConnectorError; claims: unknown };

function startEvidence<P>(
  resolved: ResolvedRunParams<P>,
  options: RunConnectorOptions,
): EvidenceBuilder {
  const { context, input } = resolved;
  try {
    return new EvidenceBuilder({
      connector: options.connector ?? { id: 'unknown', version: '0.0.0' },
      trace_id: context.trace_id,
      tenant_id: context.tenant_id,
      job_id: context.job_id ?? null,
      attempt_no: context.attempt_no,
      dry_run: context.dry_run,
      input: { operation: input.operation, payload: input.payload },
    });
  } catch (error) {
    if (isJobForgeError(error) && error.code === 'NOT_JSON') {
      const where =
        error.where?.replace(/^\$\.payload/, 'params.input.payload') ?? 'params.input.payload';
      throw new JobForgeError('INVALID_PARAMS', `${where}: ${error.message}`, { where });
    }
    throw error;
  }
}

async function runAttempt<P, D>(
  fn: ConnectorFn<P, D>,
  resolved: ResolvedRunParams<P>,
  attemptNo: number,
): Promise<Settled<D>> {
  const timeoutMs = resolved.config.timeout_ms;
  const controller = new AbortController();
  const external = resolved.context.signal;
  const signal = external ? AbortSignal.any([controller.signal, external]) : controller.signal;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<Settled<D>>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(
        new JobForgeError('TIMEOUT', `attempt exceeded timeout_ms (${timeoutMs} ms)`),
      );
      resolve({
        ok: false,
        error: {
          code: 'TIMEOUT',
          message: `the connector did not finish within timeout_ms (${timeoutMs} ms)`,
          retryable: true,
        },
        claims: undefined,
      });
    }, timeoutMs);
    onAbort = () => resolve({ ok: false, error: abortedError(), claims: undefined });
    external?.addEventListener('abort', onAbort, { once: true });
  });
  const secrets = resolved.context.secrets;
  const call = (async (): Promise<Settled<D>> => {
    try {
      const returned = await fn({
        config: resolved.config,
        input: resolved.input,
        context: { ...resolved.context, attempt_no: attemptNo, signal },
      });
      return checkOutcome<D>(returned, secrets);
    } catch (thrown) {
      return {
        ok: false,
        error: {
          code: 'CONNECTOR_THREW',
          message: safeErrorMessage(thrown, secrets),
          retryable: false,
        },
        claims: undefined,
      };
    }
  })();
  try {
    return await Promise.race([call, stopped]);
  } finally {
    clearTimeout(timer);
    // A long-lived caller signal must not collect one listener per attempt.
    if (onAbort) external?.removeEventListener('abort', onAbort);
  }
}

const CODE = /^[A-Za-z][A-Za-z0-9_.:-]{0,99}$/;

/** A connector's return value is untrusted: check its shape and that its data is JSON. */
function checkOutcome<D>(returned: unknown, secrets: Readonly<Record<string, string>>): Settled<D> {
  const invalid = (why: string): Settled<D> => ({
    ok: false,
    error: {
      code: 'INVALID_RESULT',
      // The reason may quote the connector's keys or values: redact like any connector text.
      message: redactSecrets(`the connector returned an invalid result: ${why}`, secrets).slice(
        0,
        MAX_MESSAGE,
      ),
      retryable: false,
    },
    claims: undefined,
  });
  if (typeof returned !== 'object' || returned === null)
    return invalid(
      `expected { ok, data | error }, got ${returned === null ? 'null' : typeof returned}`,
    );
  const outcome = returned as ConnectorOutcome<D>;
  const claims = (returned as { evidence?: unknown }).evidence;
  if (outcome.ok === true) {
    if (!('data' in outcome)) return invalid('ok is true but there is no data');
    try {
      // Detach the data from the connector (a getter or a later mutation cannot make what the
      // caller sees differ from what was hashed), keeping its key order, then prove it is JSON.
      const data = structuredClone(outcome.data) as D;
      return { ok: true, data, outputHash: sha256Hex(canonicalize(data)), claims };
    } catch (error) {
      const reason = error instanceof Error ? error.message.replace('$', 'data') : '';
      // structuredClone refuses functions and symbols with a DataCloneError.
      return invalid(
        isJobForgeError(error) ? reason : `data is not JSON (${reason || 'cannot be copied'})`,
      );
    }
  }
  if (outcome.ok === false) {
    const error = (outcome as { error?: Partial<ConnectorError> }).error;
    if (typeof error !== 'object' || error === null)
      return invalid('ok is false but there is no error object');
    if (typeof error.code !== 'string' || !CODE.test(error.code))
      return invalid('error.code must be a short identifier such as RATE_LIMITED');
    if (redactSecrets(error.code, secrets) !== error.code)
      return invalid('error.code contains a secret value');
    if (typeof error.retryable !== 'boolean') return invalid('error.retryable must be a boolean');
    const message = boundText(
      redactSecrets(typeof error.message === 'string' ? error.message : '', secrets),
      MAX_MESSAGE,
    );
    const retryAfter = error.retry_after_ms;
    const checked: ConnectorError = { code: error.code, message, retryable: error.retryable };
    if (typeof retryAfter === 'number' && Number.isFinite(retryAfter) && retryAfter >= 0)
      checked.retry_after_ms = retryAfter;
    return { ok: false, error: checked, claims };
  }
  return invalid('ok must be true or false');
}

function abortedError(): ConnectorError {
  return { code: 'ABORTED', message: 'the call was aborted by its caller', retryable: false };
}
