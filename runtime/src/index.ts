export type { PoolOptions, PoolStats } from './child-pool.js';
export type { CircuitOptions } from './circuit-breaker.js';
export {
  type ConnectorMetadata,
  type FailureMode,
  parseConnectorMetadata,
} from './connector-metadata.js';
export { createRuntime, DEFAULT_LIMITS } from './create-runtime.js';
export { classifyAddress } from './egress/classify-address.js';
export type { Isolation } from './isolation.js';
export {
  type ConnectorJob,
  type ConnectorJobHandler,
  createConnectorJobHandler,
} from './job-handler.js';
export {
  type ConnectorArtifact,
  type ConnectorRef,
  type PreparedConnector,
  prepareArtifact,
  prepareConnectorDir,
} from './prepare-connector.js';
export { DRY_RUN_HEADER } from './record/fetch-observer.js';
export type { RunEnded, RunRecording } from './record/run-recording.js';
export {
  type ArtifactSink,
  type ArtifactWriter,
  type CollectedArtifact,
  DEFAULT_MAX_ARTIFACT_BYTES,
  DEFAULT_MAX_ARTIFACTS_TOTAL_BYTES,
  MAX_ARTIFACTS_PER_RUN,
} from './runs/artifact-collector.js';
export {
  type ArtifactStore,
  type BlobSink,
  createDbArtifactStore,
  createFsArtifactStore,
  DEFAULT_ARTIFACTS_DIR,
  type StreamingPut,
} from './runs/artifact-store.js';
export { explainRun, formatImpact, parseEvents, type RunImpact } from './runs/explain-run.js';
export { type ArtifactCheck, type LoadedRun, loadRun, type StoredRun } from './runs/read-run.js';
export { diffJson, type ReplayResult, replayRun } from './runs/replay-run.js';
export {
  buildReceipt,
  RUN_RECEIPT_SCHEMA,
  type RunReceipt,
  statementOf,
} from './runs/run-receipt.js';
export {
  createRunRecorder,
  EVENT_FLUSH_MS,
  MAX_EVENTS_PER_ATTEMPT,
  type RunRecorder,
  type RunRecorderOptions,
  type RunRecordWrite,
  type RunSink,
  SMALL_ARTIFACT_BYTES,
  type StoredManifestView,
} from './runs/run-recorder.js';
export { renderSummary } from './runs/run-summary.js';
export type { ConnectorStats } from './runtime-stats.js';
export type {
  RunContext,
  RunInput,
  Runtime,
  RuntimeLimits,
  RuntimeLogLine,
  RuntimeOptions,
  RuntimePolicy,
  RuntimeStatsSnapshot,
  SandboxRun,
} from './runtime-types.js';
export { sriOf } from './sri.js';
