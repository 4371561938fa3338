/** A job's lifecycle: queued → running → succeeded | failed (waits for its retry) → … | dead; canceled. */
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'dead' | 'canceled';

/** An error as stored on a job and its attempts: JSON, no stack, no secrets. */
export interface JobError {
  code: string;
  message: string;
  retryable?: boolean;
  [key: string]: unknown;
}

/** A job row as the queue's functions return it (ids are strings: they are bigints). */
export interface Job<Payload = unknown> {
  id: string;
  tenant_id: string;
  type: string;
  payload: Payload;
  status: JobStatus;
  priority: number;
  run_at: string;
  attempts: number;
  max_attempts: number;
  idempotency_key: string | null;
  ordering_key: string | null;
  trace_id: string | null;
  locked_by: string | null;
  locked_until: string | null;
  started_at: string | null;
  last_error: JobError | null;
  created_at: string;
  updated_at: string;
}

export interface JobAttempt {
  attempt: number;
  outcome: 'succeeded' | 'failed' | 'lease_expired' | 'released';
  worker_id: string | null;
  error: JobError | null;
  evidence: unknown;
  started_at: string | null;
  finished_at: string;
}

export interface JobResultRow {
  attempt: number;
  status: 'succeeded' | 'dead';
  result: unknown;
  error: JobError | null;
  evidence: unknown;
  created_at: string;
}

/** `get` returns the job with every attempt and result. */
export interface JobDetails<Payload = unknown> extends Job<Payload> {
  results: JobResultRow[];
  attempt_history: JobAttempt[];
}

/**
 * A job a worker holds: `lease` is the token that heartbeat, complete and release need. A claim
 * returns only the fields a handler needs.
 */
export interface ClaimedJob<Payload = unknown>
  extends Pick<
    Job<Payload>,
    | 'id'
    | 'tenant_id'
    | 'type'
    | 'payload'
    | 'status'
    | 'priority'
    | 'run_at'
    | 'attempts'
    | 'max_attempts'
    | 'trace_id'
    | 'ordering_key'
    | 'idempotency_key'
    | 'locked_until'
  > {
  lease: string;
  /**
   * False for a job the claim only reserved (a worker's prefetch): no attempt is charged until
   * `start` charges it, so a reserved job a dead worker never ran comes back without a charge.
   */
  started: boolean;
}

export interface EnqueueOptions {
  /** Tenant UUID; required unless the client or the session is bound to one. */
  tenantId?: string;
  /** The same key (per tenant and type) returns the same job id instead of a new job. */
  idempotencyKey?: string;
  /** Jobs with the same ordering key run one at a time, in enqueue order. */
  orderingKey?: string;
  /** Higher runs first (default 0). */
  priority?: number;
  /** Not before this time (default now). */
  runAt?: Date | string;
  /** Attempts before the job is dead (default 5). */
  maxAttempts?: number;
  traceId?: string;
  /** Retry backoff: base (default 1000 ms), doubled per attempt, capped (default 1 h), jittered. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}

/** One job of a bulk enqueue. */
export interface JobSpec extends Omit<EnqueueOptions, 'tenantId'> {
  type: string;
  payload: unknown;
}

/** How an attempt ended, as a worker reports it. */
export type JobOutcome =
  | { ok: true; result?: unknown; evidence?: unknown }
  | {
      ok: false;
      error: JobError;
      /** Default true: retried with backoff until max_attempts, then dead. */
      retryable?: boolean;
      /** Overrides the backoff for this retry. */
      retryInMs?: number;
      evidence?: unknown;
    };
