import { canonicalize } from './canonicalize.js';
import {
  EVIDENCE_PREDICATE_TYPE,
  type EvidenceDenial,
  type EvidencePredicate,
  type EvidenceStatement,
  STATEMENT_TYPE,
} from './evidence-types.js';
import { hashOutput } from './hash-output.js';
import type { ConnectorError, JsonObject } from './types.js';

/** What the runner knows before the call starts. */
export interface EvidenceStart {
  connector: { id: string; version: string; integrity?: string | null };
  trace_id: string;
  tenant_id: string;
  job_id?: string | null;
  attempt_no: number;
  dry_run: boolean;
  input: { operation: string; payload: unknown };
  /** Defaults to now. */
  started_at?: Date;
  /** `sdk/runConnector` unless a host runner says otherwise. */
  runner?: string;
  /** A replay says which run it re-ran. */
  replay_of?: string;
  /**
   * The sha256 of the input's canonical form when the runner has already taken it (a host that
   * canonicalises the input to measure it saves doing so twice). It must be `hashOutput(input)`.
   */
  input_hash?: string;
}

/** What the runner observed when the call ended. */
export interface EvidenceEnd {
  ended_at?: Date;
  attempts?: number;
  policy?: JsonObject | null;
  denials?: EvidenceDenial[];
  /** The connector's own evidence, carried as a claim. Dropped (and noted) if it is not JSON. */
  claims?: unknown;
  /** The output's hash when the runner has already taken it (saves hashing large data twice). */
  output_hash?: string;
  /** The run's artifact manifest digest, when the run is recorded. */
  manifest?: { sha256: string; artifacts: number };
}

/**
 * Builds the unsigned in-toto Statement for one connector call. The input hash is taken when the
 * builder is made, so a connector that mutates its payload cannot change what was recorded; output
 * hash, status and timings come from what the runner observed, never from the connector.
 *
 * @example
 * const builder = new EvidenceBuilder({ connector: { id: 'echo', version: '1.0.0' }, trace_id,
 *   tenant_id, attempt_no: 1, dry_run: false, input: { operation: 'echo.say', payload } });
 * const statement = builder.buildSuccess({ message: 'hi' });
 */
export class EvidenceBuilder {
  readonly inputHash: string;
  readonly startedAt: Date;
  readonly #start: EvidenceStart;

  constructor(start: EvidenceStart) {
    this.#start = start;
    this.startedAt = start.started_at ?? new Date();
    this.inputHash =
      start.input_hash ??
      hashOutput({ operation: start.input.operation, payload: start.input.payload });
  }

  buildSuccess(data: unknown, end: EvidenceEnd = {}): EvidenceStatement {
    return this.#build('success', end.output_hash ?? hashOutput(data), null, end);
  }

  buildFailure(error: ConnectorError, end: EvidenceEnd = {}): EvidenceStatement {
    const shape: JsonObject = {
      code: error.code,
      message: error.message,
      retryable: error.retryable,
    };
    return this.#build('failure', hashOutput(shape), error.code, end);
  }

  #build(
    status: 'success' | 'failure',
    outputHash: string,
    errorCode: string | null,
    end: EvidenceEnd,
  ): EvidenceStatement {
    const s = this.#start;
    const endedAt = end.ended_at ?? new Date();
    const predicate: EvidencePredicate = {
      connector: {
        id: s.connector.id,
        version: s.connector.version,
        integrity: s.connector.integrity ?? null,
      },
      invocation: {
        trace_id: s.trace_id,
        tenant_id: s.tenant_id,
        job_id: s.job_id ?? null,
        operation: s.input.operation,
        attempt_no: s.attempt_no,
        attempts: end.attempts ?? 1,
        dry_run: s.dry_run,
      },
      input_hash: this.inputHash,
      output_hash: outputHash,
      status,
      error_code: errorCode,
      timing: {
        started_at: this.startedAt.toISOString(),
        ended_at: endedAt.toISOString(),
        duration_ms: Math.max(0, endedAt.getTime() - this.startedAt.getTime()),
      },
      policy: end.policy ?? null,
      denials: end.denials ?? [],
      claims: toClaims(end.claims),
      runner: s.runner ?? 'sdk/runConnector',
      // Only when present, so an unrecorded run's statement is byte-for-byte what it always was.
      ...(end.manifest ? { manifest: end.manifest } : {}),
      ...(s.replay_of ? { replay_of: s.replay_of } : {}),
    };
    return {
      _type: STATEMENT_TYPE,
      subject: [
        { name: `${s.connector.id}@${s.connector.version}/output`, digest: { sha256: outputHash } },
      ],
      predicateType: EVIDENCE_PREDICATE_TYPE,
      predicate,
    };
  }
}

/** Claims must be a JSON object; anything else is replaced by a note saying why it was dropped. */
function toClaims(claims: unknown): JsonObject | null {
  if (claims === undefined || claims === null) return null;
  if (typeof claims !== 'object' || Array.isArray(claims)) {
    return { dropped: 'connector evidence must be a JSON object' };
  }
  try {
    // Round-trip through the canonical form: proves it is JSON and detaches it from the connector.
    return JSON.parse(canonicalize(claims)) as JsonObject;
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'not JSON';
    return { dropped: reason };
  }
}
