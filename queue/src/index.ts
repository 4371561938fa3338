export { type CompletionBatcherOptions, createCompletionBatcher } from './completion-batcher.js';
export type { QueueDriver } from './driver.js';
export type { EventInput, EventPage, EventQuery, StoredEvent } from './events/event-types.js';
export { queryEvents } from './events/query-events.js';
export {
  EVENT_TYPE_PATTERN,
  type SubmitEventOptions,
  submitEvent,
  submitEvents,
} from './events/submit-event.js';
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
  type CycleAnswer,
  createQueueClient,
  type JobChange,
  type ListOptions,
  type QueueClient,
  type QueueClientOptions,
  specOptions,
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
  type RecordedRun,
  type RunRecord,
  type RunRecordInput,
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
export type { SqlConnection, SqlTarget } from './sql-connection.js';
export { stopOnSignals } from './stop-on-signals.js';
export { type CronSchedule, parseSchedule } from './triggers/cron-schedule.js';
export {
  addTrigger,
  getTrigger,
  listTriggers,
  setTriggerState,
  triggerHistory,
} from './triggers/manage-triggers.js';
export {
  createScheduler,
  runScheduler,
  type Scheduler,
  type SchedulerOptions,
  type TickResult,
} from './triggers/run-scheduler.js';
export { type SchedulerStatus, schedulerStatus } from './triggers/scheduler-status.js';
export type {
  CronTriggerSpec,
  EventTriggerSpec,
  Trigger,
  TriggerHistoryRow,
  TriggerSpec,
  TriggerState,
} from './triggers/trigger-types.js';
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
