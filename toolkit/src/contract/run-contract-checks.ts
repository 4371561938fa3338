import type { ConnectorFn } from '@jobforge/sdk';
import { readRecording } from '@jobforge/sdk/testing';
import { recordingPaths } from '../golden/recording-paths.js';
import type { GoldenCase, GoldenCaseResult } from '../golden/run-golden-cases.js';
import { REPLAY_SERVER } from '../golden/session-scope.js';
import { checkInputContract, isZodLike } from './input-contract.js';
import type { ContractManifest } from './manifest-contract.js';
import { checkRetryContract } from './retry-contract.js';

export interface ContractSubject {
  fn: ConnectorFn;
  /** The entry module's exports (its zod `inputSchema`, if any). */
  exports: Record<string, unknown>;
  metadata: ContractManifest & {
    connector_id: string;
    version: string;
    supported_job_types: string[];
    input_schema?: unknown;
  };
  /** The connector folder, where the recordings are. */
  dir: string;
  cases: readonly GoldenCase[];
  /** Names of the golden cases that passed; the retry probes start only from one of them. */
  passed?: ReadonlySet<string>;
}

/**
 * The checks derived from metadata.json alone, with no hand-written case: input_schema against the
 * code's zod inputSchema on generated invalid inputs, and retries against failure_modes through
 * replayed 5xx, 429 and 4xx answers. (Outputs against output_schema and error codes against
 * failure_modes are checked on every golden run, see `checkOutcomeAgainstManifest`.)
 */
export async function runContractChecks(subject: ContractSubject): Promise<GoldenCaseResult[]> {
  return [await inputCheck(subject), await retryCheck(subject)];
}

async function inputCheck({
  metadata,
  exports,
  cases,
}: ContractSubject): Promise<GoldenCaseResult> {
  const started = performance.now();
  const name = 'contract: input_schema rejects what the zod inputSchema rejects';
  const schema = metadata.input_schema;
  if (typeof schema !== 'object' || schema === null || !isZodLike(exports.inputSchema))
    return skipped(name, 'the entry exports no zod inputSchema');
  const result = checkInputContract(
    schema as Record<string, unknown>,
    exports.inputSchema,
    // A golden input names the golden server by placeholder; any URL stands in for it here.
    cases.map((c) =>
      JSON.parse(JSON.stringify(c.input ?? null).replaceAll('{{golden_server}}', REPLAY_SERVER)),
    ),
  );
  if (result.skipped) return skipped(name, result.skipped);
  return {
    name: `${name} (${result.generated} generated inputs, ${result.rejected} rejected by both)`,
    ok: result.failures.length === 0,
    failures: result.failures,
    duration_ms: Math.round(performance.now() - started),
  };
}

async function retryCheck(subject: ContractSubject): Promise<GoldenCaseResult> {
  const started = performance.now();
  const name = 'contract: retries follow failure_modes';
  const paths = recordingPaths(subject.dir, subject.cases);
  for (const golden of subject.cases) {
    if (golden.expected_error || (subject.passed && !subject.passed.has(golden.name))) continue;
    const recording = await readRecording(paths.get(golden.name) as string).catch(() => undefined);
    if (!recording || recording.exchanges.length === 0) continue;
    const result = await checkRetryContract(subject.fn, subject.metadata, golden, recording);
    return {
      name: `${name} (case "${golden.name}": ${result.summary.join('; ')})`,
      ok: result.failures.length === 0,
      failures: result.failures,
      duration_ms: Math.round(performance.now() - started),
    };
  }
  return skipped(name, 'no passing case without expected_error has a recorded HTTP exchange');
}

function skipped(name: string, why: string): GoldenCaseResult {
  return { name: `${name} (skipped: ${why})`, ok: true, failures: [], duration_ms: 0 };
}
