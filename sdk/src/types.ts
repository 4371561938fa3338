import type { EvidenceStatement } from './evidence-types.js';

/** A JSON value: what crosses every boundary in JobForge (inputs, outputs, claims, payloads). */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** How `runConnector` retries a retryable failure: exponential backoff with full jitter, capped. */
export interface RetryPolicy {
  /** Retries after the first attempt; 0 means one attempt only. */
  max_retries: number;
  /** The delay before the first retry, before jitter. */
  base_delay_ms: number;
  /** No delay ever exceeds this (also caps a connector's `retry_after_ms`). */
  max_delay_ms: number;
  /** Each retry's ceiling is the previous one times this. */
  backoff_multiplier: number;
}

/** Settings the host passes to a connector call. */
export interface ConnectorConfig {
  retry_policy: RetryPolicy;
  /** Deadline for one attempt; past it the signal aborts and the attempt ends with `TIMEOUT`. */
  timeout_ms: number;
  /** Connector-specific settings from the host (never secrets: those arrive in `context.secrets`). */
  settings?: JsonObject;
}

/** What the connector is asked to do. */
export interface ConnectorInput<P = JsonValue> {
  /** One of the connector's `supported_job_types`. */
  operation: string;
  payload: P;
}

/** A minimal structured logger; the host decides where lines go and redacts secrets. */
export interface ConnectorLogger {
  debug(message: string, fields?: JsonObject): void;
  info(message: string, fields?: JsonObject): void;
  warn(message: string, fields?: JsonObject): void;
  error(message: string, fields?: JsonObject): void;
}

/** What `context.artifacts.put` answers once the host has counted and (when recorded) kept the bytes. */
export interface ArtifactReceipt {
  name: string;
  /** Bytes received. */
  size: number;
  /** sha256 of the bytes, lowercase hex: what the run's signed manifest lists. */
  sha256: string;
  /** false when the run is not recorded: the host counted and hashed the bytes but kept nothing. */
  stored: boolean;
}

/**
 * Files a run produces besides its output (a report, a CSV, a rendered PDF), kept in the run's
 * record and listed in the manifest the evidence signs (docs/runs.md). A failed put rejects with an
 * Error whose `code` is ARTIFACT_NAME_INVALID (a name that is not `[A-Za-z0-9][A-Za-z0-9._-]*`, at
 * most 128 characters, or holds `..`, or is one the host writes itself), ARTIFACT_EXISTS (the name
 * was put already in this run), ARTIFACT_TOO_LARGE (past the host's per-artifact cap) or
 * ARTIFACT_LIMIT (past the run's total cap or count); the run goes on.
 *
 * @example
 * await context.artifacts?.put('report.csv', csv, { contentType: 'text/csv' });
 */
export interface ConnectorArtifacts {
  put(
    name: string,
    data: Uint8Array | string,
    options?: { contentType?: string },
  ): Promise<ArtifactReceipt>;
}

/** Who is calling and under what conditions; the host fills this in, never the connector. */
export interface ConnectorContext {
  trace_id: string;
  tenant_id: string;
  /** When true the connector must not cause side effects (send, write, charge). */
  dry_run: boolean;
  /** 1 for the first attempt; counts across retries, including the queue's. */
  attempt_no: number;
  /** Aborts on timeout or cancellation; pass it to every fetch and timer. */
  signal: AbortSignal;
  /** The sanctioned way out to the network; the host wraps it with policy and evidence. */
  fetch: typeof fetch;
  /** Values of the secrets the metadata declares, by name; nothing else. */
  secrets: Readonly<Record<string, string>>;
  logger: ConnectorLogger;
  /** Files the run produces; given by the sandbox runtime, absent in a plain in-process call. */
  artifacts?: ConnectorArtifacts;
  /** Set when the call comes from a queued job. */
  job_id?: string;
}

/** The parameters a connector function receives. */
export interface ConnectorParams<P = JsonValue> {
  config: ConnectorConfig;
  input: ConnectorInput<P>;
  context: ConnectorContext;
}

/** A failure as data: stable `code`, a message safe to log, and whether trying again may help. */
export interface ConnectorError {
  code: string;
  message: string;
  retryable: boolean;
  /** A server's Retry-After, in ms; the retry waits at least this long (capped by max_delay_ms). */
  retry_after_ms?: number;
}

/**
 * What a connector returns. Its `evidence` is a claim (a decision trace, counters, ids it saw):
 * carried into the signed packet under `predicate.claims`, never trusted for hashes or timings.
 */
export type ConnectorOutcome<D = JsonValue> =
  | { ok: true; data: D; evidence?: JsonObject }
  | { ok: false; error: ConnectorError; evidence?: JsonObject };

/** A connector: the default export of its entry module. */
export type ConnectorFn<P = JsonValue, D = JsonValue> = (
  params: ConnectorParams<P>,
) => Promise<ConnectorOutcome<D>> | ConnectorOutcome<D>;

/** What `runConnector` returns: the outcome plus the runner's own, unsigned evidence statement. */
export type ConnectorResult<D = JsonValue> =
  | { ok: true; data: D; evidence: EvidenceStatement }
  | { ok: false; error: ConnectorError; evidence: EvidenceStatement };
