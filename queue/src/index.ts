export { type CompletionBatcherOptions, createCompletionBatcher } from './completion-batcher.js';
export type { QueueDriver } from './driver.js';
export {
  FEATURES,
  type FeatureEnv,
  type FeatureName,
  type FeatureState,
  isFeatureEnabled,
  listFeatures,
  requireFeature,
} from './feature-flags.js';
export { JobFailure } from './job-failure.js';
export {
  createJsonLogger,
  type LogFields,
  type Logger,
  type LogLevel,
  silentLogger,
} from './json-logger.js';
export { type MigrateResult, migrate, QUEUE_SCHEMA } from './migrate.js';
export { MIGRATIONS_DIR, type Migration, readMigrations } from './migrations.js';
export {
  EMBEDDED_DATA_DIR,
  type OpenQueueOptions,
  openQueueDriver,
  redactUrl,
} from './open-queue-driver.js';
export { createPgDriver, type PgDriverOptions } from './pg-driver.js';
export { createPgliteDriver, type PgliteDriverOptions } from './pglite-driver.js';
export {
  type ClaimOptions,
  type Completion,
  createQueueClient,
  type JobChange,
  type ListOptions,
  type QueueClient,
  type QueueClientOptions,
} from './queue-client.js';
export { isConnectionError, QueueError, toQueueError } from './queue-error.js';
export {
  type JobContext,
  type JobHandler,
  runWorker,
  type Worker,
  type WorkerOptions,
  type WorkerStats,
} from './run-worker.js';
export {
  createRunsClient,
  type PruneResult,
  parseRunId,
  type RunRecord,
  type RunsClient,
  type StoredArtifact,
  type StoredManifest,
  type StoredRunEvent,
} from './runs-client.js';
export {
  describeSchemaSafety,
  inspectSchemaSafety,
  PINNED_SEARCH_PATH,
  type SchemaSafety,
} from './schema-safety.js';
export { stopOnSignals } from './stop-on-signals.js';
export type {
  ClaimedJob,
  EnqueueOptions,
  Job,
  JobAttempt,
  JobDetails,
  JobError,
  JobOutcome,
  JobResultRow,
  JobSpec,
  JobStatus,
} from './types.js';
export { assertTenantId, MAX_PAYLOAD_BYTES } from './validate-job.js';
