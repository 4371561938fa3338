import { canonicalize, JobForgeError, type JsonValue } from '@jobforge/sdk';
import { type Recording, recordingSchema } from '@jobforge/sdk/testing';
import type { PreparedConnector } from '../prepare-connector.js';
import type { Runtime, SandboxRun } from '../runtime-types.js';
import { parseEvents } from './explain-run.js';
import type { LoadedRun } from './read-run.js';
import { statementOf } from './run-receipt.js';

export interface ReplayResult {
  run_id: string;
  identical: boolean;
  original_output_hash: string;
  replay_output_hash: string;
  /** The connector artifact the replay ran (differs from the original's only when allowed). */
  integrity: string;
  /** Paths where the outputs differ (at most 20), when they do. */
  diff: string[];
  /** Requests the recording could not answer, each with how it differs from the nearest one. */
  unmatched: string[];
  /** The replay's own evidence: it says `replay_of` the original run. */
  evidence: SandboxRun['evidence'];
}

/**
 * Runs a recorded run again: the same connector artifact (by integrity; another only when
 * `allowOtherArtifact`), the stored input, the recorded HTTP exchanges and no network, then
 * compares the output hash with the one the original evidence signed.
 */
export async function replayRun(
  runtime: Runtime,
  run: LoadedRun,
  connector: PreparedConnector,
  options: { allowOtherArtifact?: boolean; secrets?: Record<string, string> } = {},
): Promise<ReplayResult> {
  if (run.problems.length > 0)
    throw new JobForgeError(
      'RUN_NOT_VERIFIED',
      `run ${run.run_id} does not verify: ${run.problems[0]}`,
      {
        hint: `see \`jobforge impact show --run ${run.run_id}\``,
      },
    );
  const receipt = run.receipt!;
  const input = JSON.parse(run.files.get('input.json')!.toString('utf8')) as {
    operation: string;
    payload: JsonValue;
  };
  const recording = readRecording(run);
  if (connector.integrity !== receipt.connector.integrity && !options.allowOtherArtifact)
    throw new JobForgeError(
      'ARTIFACT_MISMATCH',
      `run ${run.run_id} ran ${receipt.connector.id}@${receipt.connector.version} with integrity ${receipt.connector.integrity}; the connector found is ${connector.metadata.connector_id}@${connector.metadata.version} with ${connector.integrity}`,
      { hint: 'pass --artifact (or --version) to replay against a different artifact on purpose' },
    );
  const unmatched: string[] = [];
  const replay = await runtime.run(connector, input, {
    tenant_id: receipt.tenant_id,
    trace_id: receipt.trace_id,
    job_id: receipt.job_id,
    attempt_no: receipt.attempt,
    dry_run: receipt.dry_run,
    ...(options.secrets ? { secrets: options.secrets } : {}),
    record: {
      replay: recording,
      replayOf: run.run_id,
      seal: (ended) => {
        unmatched.push(...ended.unmatched);
        return { $schema: 'https://jobforge.dev/schemas/artifact-manifest/v1.json', artifacts: [] };
      },
    },
  });
  const replayHash = statementOf(replay.evidence).predicate.output_hash;
  const identical = replayHash === receipt.output_hash && unmatched.length === 0;
  const before = JSON.parse(run.files.get('output.json')!.toString('utf8')) as unknown;
  const after = replay.ok
    ? replay.data
    : { code: replay.error.code, message: replay.error.message, retryable: replay.error.retryable };
  return {
    run_id: run.run_id,
    identical,
    original_output_hash: receipt.output_hash,
    replay_output_hash: replayHash,
    integrity: connector.integrity,
    diff: identical ? [] : diffJson(before, after, '$').slice(0, 20),
    unmatched,
    evidence: replay.evidence,
  };
}

function readRecording(run: LoadedRun): Recording {
  const bytes = run.files.get('recording.json');
  if (!bytes) {
    const calls = parseEvents(run.files.get('events.jsonl')).filter((e) => e.kind === 'fetch');
    if (calls.length > 0)
      throw new JobForgeError(
        'NOT_CAPTURED',
        `run ${run.run_id} made ${calls.length} HTTP call(s) but was not captured, so it cannot be replayed without the network`,
        {
          hint: "run the job with capture on (payload `capture: true`, or the worker's --capture)",
        },
      );
    return { format_version: 1, exchanges: [] };
  }
  return recordingSchema.parse(JSON.parse(bytes.toString('utf8')));
}

/** Where two JSON values differ, as `$.a.b: "x" → "y"` lines. */
export function diffJson(a: unknown, b: unknown, path: string): string[] {
  if (canonicalize(a ?? null) === canonicalize(b ?? null)) return [];
  const isObj = (v: unknown) => typeof v === 'object' && v !== null;
  if (isObj(a) && isObj(b) && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
    return [...keys].flatMap((k) =>
      diffJson(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`,
      ),
    );
  }
  const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v).slice(0, 120));
  return [`${path}: ${show(a)} → ${show(b)}`];
}
