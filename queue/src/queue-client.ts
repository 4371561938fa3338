import type { QueueDriver } from './driver.js';
import { toQueueError } from './queue-error.js';
import {
  isCallerTransaction,
  queryRows,
  type SqlConnection,
  type SqlTarget,
} from './sql-connection.js';
import type {
  ClaimedJob,
  EnqueueOptions,
  Job,
  JobDetails,
  JobOutcome,
  JobSpec,
  JobStatus,
} from './types.js';
import {
  assertJobId,
  assertJobType,
  assertProjectId,
  assertTenantId,
  isoTime,
  MAX_PAYLOAD_BYTES,
  payloadJson,
} from './validate-job.js';

export interface QueueClientOptions {
  /** Acts for this tenant unless a call names another (a bound session refuses that). */
  tenantId?: string;
  /** A lower payload limit than the queue's (bytes of JSON). */
  maxPayloadBytes?: number;
}

export interface ClaimOptions {
  workerId: string;
  limit: number;
  types?: string[];
  leaseMs?: number;
  /** Start (charge an attempt to) only the first `start` jobs; reserve the rest (default: all). */
  start?: number;
}

export interface ListOptions {
  status?: JobStatus;
  type?: string;
  limit?: number;
  beforeId?: string;
  /** Only this project's jobs (a session bound to a project sees only its own regardless). */
  projectId?: string;
}

/** Where a change applied: `changed` false means the job was in a status the action does not fit. */
export interface JobChange {
  id: string;
  status: JobStatus;
  changed: boolean;
}

export interface Completion {
  id: string;
  lease: string;
  outcome: JobOutcome;
}

export type QueueClient = ReturnType<typeof createQueueClient>;

/**
 * The queue's client: one round trip per call, each a call of one SQL function.
 *
 * @example
 * const queue = createQueueClient(driver, { tenantId });
 * const { id } = await queue.enqueue('connector.run', { connector: 'echo', input: {} });
 */
export function createQueueClient(driver: QueueDriver, options: QueueClientOptions = {}) {
  const limit = Math.min(options.maxPayloadBytes ?? MAX_PAYLOAD_BYTES, MAX_PAYLOAD_BYTES);
  const defaultTenant =
    options.tenantId === undefined ? null : assertTenantId(options.tenantId, 'tenantId');
  const tenant = (value: string | undefined, where: string) =>
    value === undefined ? defaultTenant : assertTenantId(value, where);

  async function call<T>(
    fn: string,
    sql: string,
    params: unknown[],
    target: SqlTarget = driver,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const rows = await queryRows<{ r: T }>(target, sql, params);
        return rows[0]!.r;
      } catch (error) {
        // Each call is one statement in its own transaction, rolled back whole on a deadlock or
        // serialization failure (two batches sharing idempotency keys in different orders), so
        // running it again is safe. Not so in the caller's transaction: that one is aborted.
        const state = (error as { code?: unknown }).code;
        const retry = (state === '40P01' || state === '40001') && !isCallerTransaction(target);
        if (retry && attempt < 10) {
          // A short random pause, growing with each try, so batches that just deadlocked on the
          // same keys do not meet again in the same order.
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
          continue;
        }
        throw toQueueError(error, fn);
      }
    }
  }

  return {
    driver,

    /**
     * Enqueues one job; the same idempotency key returns the same id with `created: false`.
     * With `transaction` (the caller's node-postgres client, inside its own BEGIN), the job
     * exists only if the caller's transaction commits.
     */
    async enqueue(
      type: string,
      payload: unknown,
      opts: EnqueueOptions & { transaction?: SqlConnection } = {},
    ): Promise<{ id: string; created: boolean }> {
      assertJobType(type, 'type');
      const json = payloadJson(payload, 'payload', limit);
      return call(
        'jobforge_enqueue_job',
        'select jobforge.jobforge_enqueue_job($1, $2::jsonb, $3::jsonb, $4) as r',
        [type, json, JSON.stringify(specOptions(opts)), tenant(opts.tenantId, 'tenantId')],
        opts.transaction ?? driver,
      );
    },

    /** Enqueues many jobs in one statement; returns their ids in input order. */
    async enqueueMany(jobs: JobSpec[], opts: { tenantId?: string } = {}): Promise<string[]> {
      const parts = jobs.map((job, i) => {
        assertJobType(job.type, `jobs[${i}].type`);
        const spec = specOptions(job);
        // Splice the checked payload text in, so it is serialized once.
        const payload = payloadJson(job.payload, () => `jobs[${i}].payload`, limit);
        const rest = JSON.stringify(spec);
        return `{"type":${JSON.stringify(job.type)},"payload":${payload}${rest === '{}' ? '' : `,${rest.slice(1, -1)}`}}`;
      });
      return call(
        'jobforge_enqueue_jobs',
        'select jobforge.jobforge_enqueue_jobs($1::jsonb, $2) as r',
        [`[${parts.join(',')}]`, tenant(opts.tenantId, 'tenantId')],
      );
    },

    /**
     * Claims up to `limit` due jobs under one lease (FOR UPDATE SKIP LOCKED). The first `start`
     * (default: all) are started, each charged an attempt; the rest are reserved until `start`.
     */
    async claim(claim: ClaimOptions): Promise<ClaimedJob[]> {
      const out = await call<{ lease: string; jobs: (Job & { started: boolean })[] }>(
        'jobforge_claim_jobs',
        'select jobforge.jobforge_claim_jobs($1, $2, $3, $4, $5, $6) as r',
        [
          claim.workerId,
          claim.limit,
          claim.types ?? null,
          claim.leaseMs ?? 30_000,
          defaultTenant,
          claim.start ?? null,
        ],
      );
      return out.jobs.map((job) => ({ ...job, lease: out.lease }));
    },

    /** Starts reserved jobs, charging their attempt; returns those still held, with attempts. */
    async start(
      items: { id: string; lease: string }[],
    ): Promise<{ id: string; attempts: number }[]> {
      if (items.length === 0) return [];
      return call(
        'jobforge_start_jobs',
        'select jobforge.jobforge_start_jobs($1::jsonb, $2) as r',
        [JSON.stringify(items.map(({ id, lease }) => ({ id, lease }))), defaultTenant],
      );
    },

    /**
     * A worker's presence beat: alive for `ttlMs` more (0 removes it). Once it lapses, the next
     * claim frees the worker's jobs without waiting for their leases.
     */
    async workerHeartbeat(workerId: string, ttlMs: number): Promise<boolean> {
      return call(
        'jobforge_worker_heartbeat',
        'select jobforge.jobforge_worker_heartbeat($1, $2, $3) as r',
        [workerId, ttlMs, defaultTenant],
      );
    },

    /** Extends the leases; returns the ids of the jobs still held. */
    async heartbeat(leases: string[], leaseMs = 30_000): Promise<string[]> {
      return call(
        'jobforge_heartbeat_job',
        'select jobforge.jobforge_heartbeat_job($1::uuid[], $2, $3) as r',
        [leases, leaseMs, defaultTenant],
      );
    },

    /** Records outcomes in one statement; jobs whose lease was lost are left out of the answer. */
    async complete(items: Completion[]): Promise<{ id: string; status: JobStatus }[]> {
      if (items.length === 0) return [];
      return call(
        'jobforge_complete_jobs',
        'select jobforge.jobforge_complete_jobs($1::jsonb, $2) as r',
        [completionsJson(items), defaultTenant],
      );
    },

    /**
     * One worker cycle in one statement: records `items` as `complete` does, starts the reserved
     * jobs in `start` as `start` does, then (with `claim`) claims as `claim` does.
     */
    async completeAndStart(
      items: Completion[],
      start: { id: string; lease: string }[],
      claim?: ClaimOptions,
    ): Promise<CycleAnswer> {
      const out = await call<{
        done: { id: string; status: JobStatus }[];
        started: { id: string; attempts: number }[];
        claimed: { lease: string; jobs: (Job & { started: boolean })[] } | null;
      }>(
        'jobforge_complete_and_start',
        'select jobforge.jobforge_complete_and_start($1::jsonb, $2::jsonb, $3::jsonb, $4) as r',
        [
          completionsJson(items),
          JSON.stringify(start.map(({ id, lease }) => ({ id, lease }))),
          claim === undefined
            ? null
            : JSON.stringify({
                worker_id: claim.workerId,
                limit: claim.limit,
                start: claim.start ?? null,
                types: claim.types ?? null,
                lease_ms: claim.leaseMs ?? 30_000,
              }),
          defaultTenant,
        ],
      );
      const claimed = out.claimed?.jobs.map((job) => ({ ...job, lease: out.claimed!.lease }));
      return { done: out.done, started: out.started, ...(claimed ? { claimed } : {}) };
    },

    /** Gives held jobs back to the queue without spending an attempt. */
    async release(items: { id: string; lease: string }[]): Promise<string[]> {
      if (items.length === 0) return [];
      return call(
        'jobforge_release_jobs',
        'select jobforge.jobforge_release_jobs($1::jsonb, $2) as r',
        [JSON.stringify(items.map(({ id, lease }) => ({ id, lease }))), defaultTenant],
      );
    },

    /** Cancels a queued job; null when no such job exists for this tenant. */
    async cancel(id: string, opts: { tenantId?: string } = {}): Promise<JobChange | null> {
      return call('jobforge_cancel_job', 'select jobforge.jobforge_cancel_job($1, $2) as r', [
        assertJobId(id, 'id'),
        tenant(opts.tenantId, 'tenantId'),
      ]);
    },

    /** Revives a dead, failed or canceled job with fresh attempts; null when there is no such job. */
    async reschedule(
      id: string,
      opts: { tenantId?: string; runAt?: Date | string } = {},
    ): Promise<JobChange | null> {
      return call(
        'jobforge_reschedule_job',
        'select jobforge.jobforge_reschedule_job($1, $2, $3) as r',
        [
          assertJobId(id, 'id'),
          opts.runAt === undefined ? null : isoTime(opts.runAt, 'runAt'),
          tenant(opts.tenantId, 'tenantId'),
        ],
      );
    },

    /** Newest first. */
    async list(opts: ListOptions & { tenantId?: string } = {}): Promise<Job[]> {
      return call(
        'jobforge_list_jobs',
        'select jobforge.jobforge_list_jobs($1, $2, $3, $4, $5, $6) as r',
        [
          opts.status ?? null,
          opts.type ?? null,
          opts.limit ?? 50,
          opts.beforeId === undefined ? null : assertJobId(opts.beforeId, 'beforeId'),
          tenant(opts.tenantId, 'tenantId'),
          opts.projectId === undefined ? null : assertProjectId(opts.projectId, 'projectId'),
        ],
      );
    },

    /**
     * One job with its attempt history and results; null when no such job exists for this tenant
     * (and project, when `projectId` is given or the session is bound to one).
     */
    async get(
      id: string,
      opts: { tenantId?: string; projectId?: string } = {},
    ): Promise<JobDetails | null> {
      return call('jobforge_get_job', 'select jobforge.jobforge_get_job($1, $2, $3) as r', [
        assertJobId(id, 'id'),
        tenant(opts.tenantId, 'tenantId'),
        opts.projectId === undefined ? null : assertProjectId(opts.projectId, 'projectId'),
      ]);
    },
  };
}

/** What `completeAndStart` answers: `claimed` only when it was asked to claim. */
export interface CycleAnswer {
  done: { id: string; status: JobStatus }[];
  started: { id: string; attempts: number }[];
  claimed?: ClaimedJob[];
}

function completionsJson(items: Completion[]): string {
  return JSON.stringify(
    items.map(({ id, lease, outcome }) =>
      outcome.ok
        ? {
            id,
            lease,
            ok: true,
            result: outcome.result ?? null,
            evidence: outcome.evidence ?? null,
          }
        : {
            id,
            lease,
            ok: false,
            error: outcome.error,
            retryable: outcome.retryable ?? true,
            retry_in_ms: outcome.retryInMs ?? null,
            evidence: outcome.evidence ?? null,
          },
    ),
  );
}

/** Enqueue options as the SQL functions read them (snake_case JSON), checked. */
export function specOptions(opts: Omit<EnqueueOptions, 'tenantId'>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (opts.idempotencyKey !== undefined) out.idempotency_key = opts.idempotencyKey;
  if (opts.orderingKey !== undefined) out.ordering_key = opts.orderingKey;
  if (opts.priority !== undefined) out.priority = opts.priority;
  if (opts.runAt !== undefined) out.run_at = isoTime(opts.runAt, 'runAt');
  if (opts.maxAttempts !== undefined) out.max_attempts = opts.maxAttempts;
  if (opts.traceId !== undefined) out.trace_id = opts.traceId;
  if (opts.backoffBaseMs !== undefined) out.backoff_base_ms = opts.backoffBaseMs;
  if (opts.backoffMaxMs !== undefined) out.backoff_max_ms = opts.backoffMaxMs;
  return out;
}
