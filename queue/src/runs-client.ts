import { createCallBatcher } from './call-batcher.js';
import type { QueueDriver } from './driver.js';
import { QueueError, toQueueError } from './queue-error.js';
import { assertJobId, assertTenantId } from './validate-job.js';

/** One attempt's record as `getRunManifest` returns it. */
export interface RunRecord {
  job_id: string;
  attempt: number;
  tenant_id: string;
  /** The job's status now (a run is finished when its job is). */
  job_status: string;
  /** The stored manifest (docs/runs.md, "artifact manifest"): artifacts with where they are kept. */
  manifest: StoredManifest;
  manifest_sha256: string;
  created_at: string;
}

/** A manifest as stored: the signed entries plus derived ones and each entry's location. */
export interface StoredManifest {
  $schema: string;
  artifacts: StoredArtifact[];
  [key: string]: unknown;
}

export interface StoredArtifact {
  name: string;
  media_type: string;
  size: number;
  sha256: string;
  truncated?: boolean;
  /** false for the receipt and summary, written after signing (they name the evidence digest). */
  signed: boolean;
  /** `db` (in jobforge_run_blobs) or `fs` (the content-addressed folder) or `s3`. */
  storage: string;
}

/** A stored event: what the runtime reported plus where it belongs. */
export interface StoredRunEvent {
  job_id: string;
  attempt: number;
  seq: number;
  kind: string;
  at: string;
  [key: string]: unknown;
}

/** What `recordRun` stores for one attempt. */
export interface RunRecordInput {
  /** Events not yet appended; they continue the attempt's seq. */
  events: readonly object[];
  /** Small artifacts' bytes (at most 1 MiB each), stored in the database. */
  blobs: readonly Uint8Array[];
  manifest: StoredManifest;
  manifestSha256: string;
}

/** What `recordRun` answers: the attempt's last event seq, and whether the manifest was new. */
export interface RecordedRun {
  job_id: string;
  attempt: number;
  last_seq: number;
  stored: boolean;
}

interface RunRecordRow {
  job_id: string;
  attempt: number;
  events: readonly object[];
  blobs: string[];
  manifest: StoredManifest;
  manifest_sha256: string;
}

/** What one prune batch removed (or, in a dry run, would remove). */
export interface PruneResult {
  jobs: number;
  attempts: number;
  results: number;
  events: number;
  manifests: number;
  blobs: number;
  more: boolean;
  dry_run: boolean;
  fs_sha256: string[];
}

/** `<job id>` (its latest recorded attempt) or `<job id>.<attempt>`. */
export function parseRunId(runId: string, where = 'run id'): { jobId: string; attempt?: number } {
  const match = /^(\d{1,19})(?:\.(\d{1,9}))?$/.exec(String(runId));
  if (!match)
    throw new QueueError(
      'INVALID_RUN_ID',
      `${where} must be <job id> or <job id>.<attempt>, got ${JSON.stringify(String(runId).slice(0, 60))}`,
      {
        where,
        hint: 'take the id from `jobforge jobs list` (for example 42, or 42.2 for its second attempt)',
      },
    );
  const jobId = assertJobId(match[1]!, where);
  return match[2] ? { jobId, attempt: Number(match[2]) } : { jobId };
}

export type RunsClient = ReturnType<typeof createRunsClient>;

/**
 * Run records in the queue's database: events per attempt (with NOTIFY for live tails), the
 * artifact manifest per attempt, and small artifacts' bytes. Tenant-scoped like every queue call:
 * another tenant's run reads as "not found".
 *
 * @example
 * const runs = createRunsClient(driver, { tenantId });
 * const record = await runs.getRunManifest('42');
 */
export function createRunsClient(driver: QueueDriver, options: { tenantId?: string } = {}) {
  const tenant =
    options.tenantId === undefined ? null : assertTenantId(options.tenantId, 'tenantId');

  async function call<T>(fn: string, sql: string, params: unknown[]): Promise<T> {
    try {
      const rows = await driver.query<{ r: T }>(sql, params);
      return rows[0]!.r;
    } catch (error) {
      throw toQueueError(error, fn);
    }
  }

  const recordBatch = createCallBatcher(
    (items: RunRecordRow[]) =>
      call<RecordedRun[]>(
        'jobforge_record_runs',
        'select jobforge.jobforge_record_runs($1::jsonb, $2) as r',
        [JSON.stringify(items), tenant],
      ),
    {
      maxItems: 50,
      maxWeight: 8 * 1024 * 1024,
      weigh: (row) => row.blobs.reduce((sum, b) => sum + b.length, 0),
    },
  );

  return {
    driver,

    /** Appends events to one attempt; returns the last seq. Readers following the job wake up. */
    appendRunEvents(jobId: string, attempt: number, events: readonly object[]): Promise<number> {
      return call(
        'jobforge_append_run_events',
        'select jobforge.jobforge_append_run_events($1, $2, $3::jsonb, $4) as r',
        [assertJobId(jobId, 'jobId'), attempt, JSON.stringify(events), tenant],
      );
    },

    /** Events of a job (one attempt after `afterSeq`, or every attempt); null: no such job. */
    listRunEvents(
      jobId: string,
      opts: { attempt?: number; afterSeq?: number; limit?: number } = {},
    ): Promise<StoredRunEvent[] | null> {
      return call(
        'jobforge_list_run_events',
        'select jobforge.jobforge_list_run_events($1, $2, $3, $4, $5) as r',
        [
          assertJobId(jobId, 'jobId'),
          opts.attempt ?? null,
          opts.afterSeq ?? 0,
          opts.limit ?? 1000,
          tenant,
        ],
      );
    },

    /** Stores an attempt's manifest once; false when it had one already. */
    putRunManifest(
      jobId: string,
      attempt: number,
      manifest: StoredManifest,
      manifestSha256: string,
    ): Promise<boolean> {
      return call(
        'jobforge_put_run_manifest',
        'select jobforge.jobforge_put_run_manifest($1, $2, $3::jsonb, $4, $5) as r',
        [assertJobId(jobId, 'jobId'), attempt, JSON.stringify(manifest), manifestSha256, tenant],
      );
    },

    /**
     * A run's record in one round trip: the events not yet appended, the small artifacts' bytes
     * (stored in the database, per tenant) and the manifest, in one transaction. Records that
     * arrive while one is being written go together in the next call (at most 50, about 8 MiB of
     * bytes), so concurrent runs share a round trip. Every `storage: "db"` entry of the manifest
     * must be among the bytes given or already stored. `stored` is false when the attempt had a
     * manifest already.
     */
    recordRun(jobId: string, attempt: number, record: RunRecordInput): Promise<RecordedRun> {
      return recordBatch({
        job_id: assertJobId(jobId, 'jobId'),
        attempt,
        events: record.events,
        blobs: record.blobs.map((b) =>
          Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64'),
        ),
        manifest: record.manifest,
        manifest_sha256: record.manifestSha256,
      });
    },

    /** A run's record by id (`42` or `42.2`); null when it does not exist for this tenant. */
    getRunManifest(runId: string): Promise<RunRecord | null> {
      const { jobId, attempt } = parseRunId(runId);
      return call('jobforge_get_run', 'select jobforge.jobforge_get_run($1, $2, $3) as r', [
        jobId,
        attempt ?? null,
        tenant,
      ]);
    },

    /** Stores bytes for the job's tenant; returns their sha256. */
    putRunBlob(jobId: string, bytes: Uint8Array): Promise<string> {
      return call(
        'jobforge_put_run_blob',
        'select jobforge.jobforge_put_run_blob($1, $2, $3) as r',
        [assertJobId(jobId, 'jobId'), bytes, tenant],
      );
    },

    /** The bytes stored under a sha256 for the job's tenant, or null. */
    async getRunBlob(jobId: string, sha256: string): Promise<Buffer | null> {
      const bytes = await call<Uint8Array | null>(
        'jobforge_get_run_blob',
        'select jobforge.jobforge_get_run_blob($1, $2, $3) as r',
        [assertJobId(jobId, 'jobId'), sha256, tenant],
      );
      return bytes === null ? null : Buffer.from(bytes);
    },

    /**
     * Prunes one batch of finished jobs' records (results, attempts, events, manifests, small
     * artifacts no manifest names any more); never a queued, running or retrying job's. Returns the
     * counts, `more` when the batch was full, and the filesystem digests no manifest names now.
     */
    pruneRuns(opts: {
      olderThan: string;
      statuses?: string[];
      limit?: number;
      dryRun?: boolean;
    }): Promise<PruneResult> {
      return call(
        'jobforge_prune_runs',
        'select jobforge.jobforge_prune_runs($1::interval, $2, $3, $4, $5) as r',
        [
          opts.olderThan,
          opts.statuses ?? ['succeeded', 'dead', 'canceled'],
          opts.limit ?? 1000,
          opts.dryRun ?? false,
          tenant,
        ],
      );
    },

    /** Calls `onEvent` with the job id of every append (LISTEN); resolves to a stop function. */
    onRunEvents(onEvent: (jobId: string) => void, onLost?: (error: Error) => void) {
      return driver.listen('jobforge_run_events', onEvent, onLost);
    },
  };
}
