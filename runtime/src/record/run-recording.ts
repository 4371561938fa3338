import type { ArtifactManifest, ConnectorError, JsonValue, RunEventBody } from '@jobforge/sdk';
import type { Recording } from '@jobforge/sdk/testing';
import type { ArtifactSink, CollectedArtifact } from '../runs/artifact-collector.js';

/**
 * What a host asks of the runtime to make a run a record (docs/runs.md). Every part is optional;
 * without `record` a run behaves, and its evidence reads, exactly as before run records existed.
 */
export interface RunRecording {
  /** Receives each event as it happens (fetches, denials, logs, retries, the end). */
  onEvent?: (event: RunEventBody) => void;
  /** Keep the call's HTTP exchanges, redacted as `jobforge test --record` does, for replay. */
  capture?: boolean;
  /** Answer every fetch from this recording and open no connection (a replay). */
  replay?: Recording;
  /** A replay names the run (`<job id>.<attempt>`) it re-runs; its evidence says so. */
  replayOf?: string;
  /**
   * Called once the outcome is known and before the evidence is signed: returns the manifest of
   * everything the run leaves behind, whose digest the evidence then signs.
   */
  seal?: (ended: RunEnded) => ArtifactManifest;
  /** Keeps what the connector puts with `context.artifacts.put`; without it they are only counted. */
  artifacts?: ArtifactSink;
}

/** What the runtime hands to `seal`. */
export interface RunEnded {
  outcome: { ok: true; data: JsonValue } | { ok: false; error: ConnectorError };
  /** The redacted exchanges when `capture` was on. */
  recording?: Recording;
  /** Requests a replay could not answer from its recording, with the difference. */
  unmatched: string[];
  /** What the connector put (`context.artifacts.put`) and the attempt kept, in order. */
  artifacts?: CollectedArtifact[];
}
