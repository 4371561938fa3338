import type { ConnectorError, DsseEnvelope, JsonObject, JsonValue, KeyInput } from '@jobforge/sdk';
import type { PoolOptions, PoolStats } from './child-pool.js';
import type { CircuitOptions } from './circuit-breaker.js';
import type { Isolation } from './isolation.js';
import type { ConnectorRef } from './prepare-connector.js';
import type { RunRecording } from './record/run-recording.js';
import type { ConnectorStats } from './runtime-stats.js';

export interface RuntimeLimits {
  /** Wall-clock deadline of one attempt; past it (plus a short grace) the child is SIGKILLed. */
  timeoutMs: number;
  /** Cap on the child's total memory (resident set, ArrayBuffers included); the V8 heap gets half. */
  memoryMb: number;
  /** Largest result a connector may return, counted as JSON. */
  maxOutputBytes: number;
  /** Largest input `{ operation, payload }` accepted, counted as canonical JSON. */
  maxInputBytes: number;
  /** Largest artifact one `context.artifacts.put` may store (default 256 MiB). */
  maxArtifactBytes: number;
  /** Bytes all artifacts of one run may add up to (default 1 GiB); past it a put is ARTIFACT_LIMIT. */
  maxArtifactsTotalBytes: number;
}

export interface RuntimePolicy {
  /** `auto` uses a network namespace where the host can make one; `guard` forces the in-child guard. */
  isolation?: 'auto' | 'guard';
  /** IP literals (`127.0.0.1`, `127.0.0.1:8080`, `[::1]:80`) let through although private. */
  allowPrivateAddresses?: string[];
  maxResponseBytes?: number;
  maxRedirects?: number;
  /** Fetches one call may make. */
  maxRequestsPerCall?: number;
  circuit?: Partial<CircuitOptions>;
  /** Backoff between in-run retries that `failure_modes` allow. */
  retry?: { base_delay_ms?: number; max_delay_ms?: number; backoff_multiplier?: number };
  /** First uid of the sandbox range when the host runs as root. */
  uidBase?: number;
}

export interface RuntimeOptions {
  /** The host's Ed25519 private key; it signs every outcome and never enters a child. */
  signingKey: KeyInput;
  policy?: RuntimePolicy;
  pool?: Partial<PoolOptions>;
  limits?: Partial<RuntimeLimits>;
  /** Where bundles are cached (default: a folder under the OS temp dir). */
  cacheDir?: string;
  /**
   * Start children from a startup snapshot of the runner (built on first use and cached in
   * `cacheDir`, where this Node supports it). Default true; false always loads the runner script.
   */
  startupSnapshot?: boolean;
  /** Receives the connector's log lines, secrets redacted. */
  logger?: (line: RuntimeLogLine) => void;
}

export interface RuntimeLogLine {
  level: string;
  message: string;
  fields?: unknown;
  connector: string;
  trace_id: string;
  tenant_id: string;
}

export interface RunInput {
  operation?: string;
  payload: JsonValue;
}

export interface RunContext {
  tenant_id?: string;
  trace_id?: string;
  job_id?: string;
  attempt_no?: number;
  dry_run?: boolean;
  /** Secret values by name; only the names the metadata declares are passed on. */
  secrets?: Record<string, string>;
  settings?: JsonObject;
  /** Overrides `limits.timeoutMs` for this call (never above it). */
  timeoutMs?: number;
  /** Run records: events as they happen, capture or replay of HTTP, the manifest the evidence signs. */
  record?: RunRecording;
}

/** What `runtime.run` returns (and `jobforge run --json` prints). */
export type SandboxRun =
  | { ok: true; data: JsonValue; evidence: DsseEnvelope }
  | { ok: false; error: ConnectorError; evidence: DsseEnvelope };

export interface RuntimeStatsSnapshot {
  isolation: Isolation;
  pool: PoolStats;
  connectors: Record<string, ConnectorStats>;
}

export interface Runtime {
  run(connector: ConnectorRef, input: RunInput, context?: RunContext): Promise<SandboxRun>;
  stats(): RuntimeStatsSnapshot;
  readonly isolation: Isolation;
  close(): Promise<void>;
}
