import type { JsonObject } from './types.js';

/** in-toto Statement v1 type URI. */
export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
/** The JobForge evidence predicate, versioned: a breaking change to its shape bumps the version. */
export const EVIDENCE_PREDICATE_TYPE = 'https://jobforge.dev/evidence/v1';
/** DSSE payload type of an in-toto statement. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export interface EvidenceSubject {
  name: string;
  digest: { sha256: string };
}

/** A denial the sandbox applied during the call (network, filesystem, process, ...). */
export interface EvidenceDenial {
  kind: string;
  target: string;
  reason: string;
}

/** The predicate of a JobForge evidence statement: everything the runner observed. */
export interface EvidencePredicate {
  connector: { id: string; version: string; integrity: string | null };
  invocation: {
    trace_id: string;
    tenant_id: string;
    job_id: string | null;
    operation: string;
    attempt_no: number;
    /** Attempts this run made (retries inside the runner included). */
    attempts: number;
    dry_run: boolean;
  };
  /** sha256 of the canonical input `{ operation, payload }`. */
  input_hash: string;
  /** sha256 of the canonical data on success, of the canonical error on failure. */
  output_hash: string;
  status: 'success' | 'failure';
  error_code: string | null;
  timing: { started_at: string; ended_at: string; duration_ms: number };
  /** The sandbox policy applied, or null when run in-process without one. */
  policy: JsonObject | null;
  denials: EvidenceDenial[];
  /** What the connector itself reported; a claim, not an observation. */
  claims: JsonObject | null;
  /** Who produced the statement (`sdk/runConnector`, `runtime/sandbox`, ...). */
  runner: string;
  /**
   * The run's artifact manifest (events, input snapshot, recording, connector artifacts): its
   * sha256 over canonical JSON and how many artifacts it lists. Absent when the run was not
   * recorded, as in every packet made before run records existed.
   */
  manifest?: { sha256: string; artifacts: number };
  /** Set on a replay's evidence: the run (`<job id>.<attempt>`) it re-ran. */
  replay_of?: string;
}

export interface EvidenceStatement {
  _type: typeof STATEMENT_TYPE;
  subject: EvidenceSubject[];
  predicateType: typeof EVIDENCE_PREDICATE_TYPE;
  predicate: EvidencePredicate;
}

/** A DSSE envelope (https://github.com/secure-systems-lab/dsse). */
export interface DsseEnvelope {
  payloadType: string;
  /** base64 of the payload bytes. */
  payload: string;
  signatures: { keyid: string; sig: string }[];
}
