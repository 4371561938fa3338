import {
  type ConnectorContext,
  type ConnectorFn,
  type JsonObject,
  type JsonValue,
  runConnector,
} from '@jobforge/sdk';
import type { GoldenCases } from '../generated/golden.js';
import { diffOutputs } from './diff-outputs.js';
import { hasPath, matchSubset } from './match-subset.js';

export type GoldenCase = GoldenCases['cases'][number];

export interface GoldenCaseResult {
  name: string;
  ok: boolean;
  /** One line per failed expectation. */
  failures: string[];
  duration_ms: number;
}

export interface RunGoldenOptions {
  /** Replaces `{{golden_server}}` in case inputs and settings (see startGoldenServer). */
  serverUrl?: (run: string) => string;
  /** Per-attempt timeout. Default 10 s. */
  timeoutMs?: number;
  /** Opens a session around each run of a case: recording or replaying its HTTP (see http-sessions). */
  session?: (golden: GoldenCase, run: string, repeat: number) => Promise<GoldenRunSession>;
}

/** What a session adds to one run of a case. */
export interface GoldenRunSession {
  /** `{{golden_server}}` for this run, instead of `serverUrl`. */
  serverUrl?: string;
  /** Merged into the run's context (a recording or replaying fetch, secrets). */
  context?: Partial<Pick<ConnectorContext, 'fetch' | 'secrets'>>;
  /**
   * Failures the session found once the run is over. `replacesCheck` when they explain the run's
   * result (an unmatched request, a refused recording) so the usual expectations would only repeat them.
   */
  finish(run: Run): Promise<{ failures: string[]; replacesCheck?: boolean }>;
}

/** The metadata a golden run reads: identity, and whether the connector declares itself replayable. */
export interface GoldenMetadata {
  connector_id: string;
  version: string;
  supported_job_types: string[];
  determinism?: { replayable?: boolean };
}

/**
 * Runs a connector's golden contract cases through runConnector: checks the output (subset match) or
 * the error code, the evidence keys and the output keys, and runs deterministic cases twice and
 * compares their output hashes. A connector whose metadata declares `determinism.replayable` has
 * every case run twice (each run against the case's recording) and fails one whose outputs differ
 * with `NOT_REPLAYABLE` and the paths that differ. Never throws for a failing connector: failures
 * are data.
 *
 * @example
 * const results = await runGoldenCases(echo, { connector_id: 'echo', version: '1.0.0', supported_job_types: ['echo.say'] }, cases);
 */
export async function runGoldenCases<P, D>(
  connector: ConnectorFn<P, D>,
  metadata: GoldenMetadata,
  cases: readonly GoldenCase[],
  options: RunGoldenOptions = {},
): Promise<GoldenCaseResult[]> {
  // Golden inputs are JSON from a file: the connector's own validation is what the cases exercise.
  const fn = connector as unknown as ConnectorFn;
  const results: GoldenCaseResult[] = [];
  let runs = 0;
  for (const golden of cases) {
    const started = performance.now();
    let repeat = 0;
    const once = () =>
      runOnce(fn, metadata, golden, options, `run-${++runs}`, repeat++).catch((error: unknown) => ({
        thrown: error instanceof Error ? error.message : String(error),
      }));
    const first = await once();
    const failures =
      'thrown' in first
        ? [`the run threw: ${first.thrown}`]
        : first.session?.replacesCheck && first.session.failures.length > 0
          ? first.session.failures
          : [...(first.session?.failures ?? []), ...safeCheck(golden, first)];
    const replayable = metadata.determinism?.replayable === true;
    if ((golden.deterministic || replayable) && failures.length === 0 && !('thrown' in first)) {
      const second = await once();
      const a = first.evidence.predicate.output_hash;
      const b = 'thrown' in second ? undefined : second.evidence.predicate.output_hash;
      if (!('thrown' in second)) failures.push(...(second.session?.failures ?? []));
      if (a !== b && replayable)
        failures.push(
          `NOT_REPLAYABLE: metadata.json declares determinism.replayable, but two runs on the same input and recording gave different outputs at ${'thrown' in second ? 'the second run, which threw' : diffOutputs(outputOf(first), outputOf(second)).join(', ')}; make the output independent of time and randomness or drop "replayable"`,
        );
      else if (a !== b)
        failures.push(
          `deterministic, but two runs gave different output hashes (${a.slice(0, 12)}…, ${b?.slice(0, 12) ?? 'a throw'}…); make the output independent of time and randomness or set "deterministic": false`,
        );
    }
    results.push({
      name: golden.name,
      ok: failures.length === 0,
      failures,
      duration_ms: Math.round(performance.now() - started),
    });
  }
  return results;
}

export type Run = Awaited<ReturnType<typeof runConnector<JsonValue, JsonValue>>>;

/** What a run's output hash is taken of: the data, or the error. */
function outputOf(run: Run): unknown {
  return run.ok ? run.data : { code: run.error.code, message: run.error.message };
}

async function runOnce(
  fn: ConnectorFn,
  metadata: GoldenMetadata,
  golden: GoldenCase,
  options: RunGoldenOptions,
  run: string,
  repeat: number,
): Promise<Run & { session?: { failures: string[]; replacesCheck?: boolean } }> {
  const session = await options.session?.(golden, run, repeat);
  const serverUrl = session?.serverUrl ?? options.serverUrl?.(run);
  const fill = (value: unknown): JsonValue =>
    serverUrl
      ? (JSON.parse(
          JSON.stringify(value ?? null).replaceAll('{{golden_server}}', serverUrl),
        ) as JsonValue)
      : (value as JsonValue);
  const result = await runConnector(
    fn,
    {
      config: {
        timeout_ms: options.timeoutMs ?? 10_000,
        retry_policy: { max_retries: 0 },
        ...(golden.settings ? { settings: fill(golden.settings) as JsonObject } : {}),
      },
      input: {
        operation: golden.operation ?? metadata.supported_job_types[0] ?? '',
        payload: fill(golden.input),
      },
      context: {
        tenant_id: 'golden',
        trace_id: `golden-${golden.name}`,
        ...(golden.secrets ? { secrets: golden.secrets } : {}),
        ...session?.context,
      },
    },
    { connector: { id: metadata.connector_id, version: metadata.version } },
  );
  return session ? { ...result, session: await session.finish(result) } : result;
}

/** A hostile or malformed case must fail as a case, never crash the runner. */
function safeCheck(golden: GoldenCase, run: Run): string[] {
  try {
    return check(golden, run);
  } catch (error) {
    return [
      `the case could not be checked: ${error instanceof Error ? error.message : String(error)}`,
    ];
  }
}

function check(golden: GoldenCase, run: Run): string[] {
  const failures: string[] = [];
  if (golden.expected_error) {
    if (run.ok) return [`expected error ${golden.expected_error.code}, but the run succeeded`];
    if (run.error.code !== golden.expected_error.code)
      failures.push(
        `error.code: expected ${golden.expected_error.code}, got ${run.error.code} (${run.error.message})`,
      );
    const retryable = golden.expected_error.retryable;
    if (retryable !== undefined && run.error.retryable !== retryable)
      failures.push(`error.retryable: expected ${retryable}, got ${run.error.retryable}`);
  } else if (!run.ok) {
    return [`expected success, got error ${run.error.code}: ${run.error.message}`];
  } else if (golden.expected_output !== undefined) {
    failures.push(...matchSubset(golden.expected_output, run.data));
  }
  for (const key of golden.expected_trace_keys ?? [])
    if (!hasPath(run.evidence.predicate, key))
      failures.push(`evidence: expected the key ${key}, missing`);
  for (const key of golden.expected_artifact_keys ?? [])
    if (!run.ok || !hasPath(run.data, key))
      failures.push(`output: expected the artifact key ${key}, missing`);
  return failures;
}
