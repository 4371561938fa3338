import { hostname } from 'node:os';
import { createCompletionBatcher } from './completion-batcher.js';
import { JobFailure } from './job-failure.js';
import { type Logger, silentLogger } from './json-logger.js';
import type { QueueClient } from './queue-client.js';
import { isConnectionError, QueueError } from './queue-error.js';
import { reconnectDelay } from './reconnect-delay.js';
import type { ClaimedJob, JobOutcome } from './types.js';

/** What a handler gets besides the job. */
export interface JobContext {
  /** Aborted when the job times out, its lease is lost, or shutdown's grace period ends. */
  signal: AbortSignal;
  /** A logger whose lines carry job_id, trace_id and type. */
  log: Logger;
  workerId: string;
  /** Attaches evidence to this attempt; it is stored with the result or the error. */
  setEvidence(evidence: unknown): void;
}

/** Runs one job; what it resolves to is stored as the job's result. Throw to fail the attempt. */
// biome-ignore lint/suspicious/noExplicitAny: handlers narrow the payload themselves
export type JobHandler<Payload = any> = (
  job: ClaimedJob<Payload>,
  ctx: JobContext,
) => Promise<unknown>;

export interface WorkerOptions {
  client: QueueClient;
  /** The handler registry: job type → handler. A claimed job of another type goes dead. */
  handlers: Record<string, JobHandler>;
  /** Handlers in flight at most (default 10). */
  concurrency?: number;
  /** Claim only these types (default: every type). */
  types?: string[];
  workerId?: string;
  /** Lease per claim, extended by heartbeats (default 30 000 ms). */
  leaseMs?: number;
  /** Default leaseMs / 3. */
  heartbeatMs?: number;
  /** Poll when no notification came (default 1000 ms). */
  pollMs?: number;
  /** A handler running longer fails its attempt as retryable JOB_TIMEOUT (default 300 000 ms). */
  jobTimeoutMs?: number;
  /**
   * Presence: the worker announces itself every livenessMs / 3; once it has been silent for
   * livenessMs, the next claim anywhere frees its jobs without waiting for their leases (default
   * 6 000 ms; 0 turns presence off, leaving only the lease). A handler that blocks the event loop
   * longer than this loses its jobs to other workers.
   */
  livenessMs?: number;
  /** On stop, how long in-flight jobs may finish before they are released (default 10 000 ms). */
  shutdownGraceMs?: number;
  /**
   * Jobs claimed ahead of free slots. Default 'auto': none until a few handlers have been timed,
   * then enough to keep the slots busy for two claim round trips, growing at most twofold per
   * claim (fast handlers: up to 250; slow ones: none, so other workers get the jobs).
   */
  prefetch?: number | 'auto';
  /** LISTEN for new jobs (default true); polling alone otherwise. */
  listen?: boolean;
  logger?: Logger;
}

export interface WorkerStats {
  claimed: number;
  succeeded: number;
  failed: number;
  dead: number;
  lost: number;
  released: number;
}

export interface Worker {
  readonly id: string;
  /** Stop claiming, let in-flight jobs finish up to the grace period, release the rest. */
  stop(): Promise<void>;
  stats(): WorkerStats;
}

interface Running {
  job: ClaimedJob;
  controller: AbortController;
  timer: NodeJS.Timeout;
  settled: boolean;
  startedAt: number;
}

const CHANNEL = 'jobforge_jobs';
const MAX_PREFETCH = 250;
/** Handlers timed before the automatic prefetch trusts the average. */
const MIN_TIMED = 3;

/**
 * Starts a worker: claims batches with a lease, runs handlers with bounded concurrency, records
 * every outcome, heartbeats its leases, wakes on NOTIFY and polls as a fallback, and reconnects
 * with backoff when the database goes away.
 *
 * @example
 * const worker = await runWorker({ client, handlers: { 'email.send': async (job) => send(job.payload) } });
 * process.once('SIGTERM', () => worker.stop());
 */
export async function runWorker(options: WorkerOptions): Promise<Worker> {
  const { client, handlers } = options;
  const concurrency = positiveInt(options.concurrency ?? 10, 'concurrency');
  const fixedPrefetch =
    typeof options.prefetch === 'number' ? Math.max(0, Math.floor(options.prefetch)) : undefined;
  // Automatic prefetch starts at none: a fresh worker claims only what it can start, so one that
  // dies at start-up strands no more than `concurrency` jobs. It grows from measured handler times,
  // at most doubling per claim, once a few handlers have finished.
  let prefetch = fixedPrefetch ?? 0;
  // Moving averages that size the automatic prefetch; handlerMs is unknown until measured.
  let handlerMs: number | undefined;
  let handlersTimed = 0;
  let claimMs = 1;
  const adapt = () => {
    if (fixedPrefetch !== undefined || handlerMs === undefined || handlersTimed < MIN_TIMED) return;
    const wanted = Math.ceil((2 * concurrency * claimMs) / Math.max(handlerMs, 0.001));
    prefetch = Math.min(MAX_PREFETCH, 2 * prefetch + 1, Math.max(0, wanted));
  };
  const leaseMs = positiveInt(options.leaseMs ?? 30_000, 'leaseMs');
  const heartbeatMs = options.heartbeatMs ?? Math.max(50, Math.floor(leaseMs / 3));
  const pollMs = options.pollMs ?? 1000;
  const jobTimeoutMs = options.jobTimeoutMs ?? 300_000;
  const graceMs = options.shutdownGraceMs ?? 10_000;
  const livenessMs =
    options.livenessMs === 0 ? 0 : positiveInt(options.livenessMs ?? 6_000, 'livenessMs');
  const workerId =
    options.workerId ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const log = (options.logger ?? silentLogger).child({ worker_id: workerId });
  const types = options.types && options.types.length > 0 ? options.types : undefined;

  // Reserved jobs waiting for a slot; `starting` are on their way to be started (charged), each
  // holding the slot it will run in; `promised` counts the slots a claim in flight will start
  // jobs in.
  const buffer: ClaimedJob[] = [];
  const starting = new Set<ClaimedJob>();
  const startCalls = new Set<Promise<void>>();
  // After a failed start call, no new one until its pause is over (no retry storm in an outage).
  let startsHeld = false;
  let startSoon = false;
  let promised = 0;
  const running = new Map<string, Running>();
  const awaiting = new Map<string, ClaimedJob>();
  const stats: WorkerStats = { claimed: 0, succeeded: 0, failed: 0, dead: 0, lost: 0, released: 0 };
  let stopping = false;
  let wake = false;
  let waiter: (() => void) | undefined;
  let waitingForRoom = false;
  let idleWaiters: (() => void)[] = [];

  const batcher = createCompletionBatcher({
    complete: (items) => client.complete(items),
    settled(item, status) {
      const job = awaiting.get(item.id);
      awaiting.delete(item.id);
      const fields = { job_id: item.id, trace_id: job?.trace_id ?? undefined, type: job?.type };
      if (status === null) {
        stats.lost++;
        log.warn('result not recorded: the lease was lost, the job will run again', fields);
      } else if (status === 'succeeded') {
        stats.succeeded++;
        log.debug('job succeeded', fields);
      } else {
        if (status === 'dead') stats.dead++;
        else stats.failed++;
        const error = item.outcome.ok ? undefined : item.outcome.error;
        log.warn(status === 'dead' ? 'job dead' : 'job failed, will retry', { ...fields, error });
      }
    },
    failed(error, items) {
      log.warn('recording results failed; retrying', {
        error: (error as Error)?.message ?? String(error),
        jobs: items.length,
      });
    },
  });

  const kick = () => {
    const w = waiter;
    waiter = undefined;
    w?.();
  };
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        waiter = undefined;
        resolve();
      }, ms);
      waiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  function finish(job: ClaimedJob, outcome: JobOutcome): void {
    awaiting.set(job.id, job);
    batcher.push({ id: job.id, lease: job.lease, outcome });
  }

  function settle(entry: Running, outcome: JobOutcome): void {
    if (entry.settled) return;
    entry.settled = true;
    clearTimeout(entry.timer);
    const took = performance.now() - entry.startedAt;
    handlerMs = handlerMs === undefined ? took : 0.9 * handlerMs + 0.1 * took;
    handlersTimed++;
    running.delete(entry.job.id);
    finish(entry.job, outcome);
    dispatch();
    if (waitingForRoom) kick();
    if (running.size === 0) for (const resolve of idleWaiters.splice(0)) resolve();
  }

  function start(job: ClaimedJob): void {
    const handler = Object.hasOwn(handlers, job.type) ? handlers[job.type] : undefined;
    const jobLog = log.child({
      job_id: job.id,
      trace_id: job.trace_id ?? undefined,
      type: job.type,
    });
    if (!handler) {
      const known = Object.keys(handlers);
      jobLog.error('no handler for this job type; the job is dead');
      finish(job, {
        ok: false,
        retryable: false,
        error: {
          code: 'UNKNOWN_JOB_TYPE',
          message: `no handler is registered for job type "${job.type}" (this worker handles: ${known.length ? known.join(', ') : 'nothing'})`,
        },
      });
      return;
    }
    const controller = new AbortController();
    let evidence: unknown;
    const entry: Running = {
      job,
      controller,
      settled: false,
      startedAt: performance.now(),
      timer: setTimeout(() => {
        controller.abort(new Error('job timeout'));
        settle(entry, {
          ok: false,
          retryable: true,
          error: { code: 'JOB_TIMEOUT', message: `the handler ran longer than ${jobTimeoutMs} ms` },
          ...(evidence === undefined ? {} : { evidence }),
        });
      }, jobTimeoutMs),
    };
    running.set(job.id, entry);
    const ctx: JobContext = {
      signal: controller.signal,
      log: jobLog,
      workerId,
      setEvidence: (value) => {
        evidence = value;
      },
    };
    Promise.resolve()
      .then(() => handler(job, ctx))
      .then(
        (result) => settle(entry, successOutcome(result, evidence)),
        (error) => settle(entry, failureOutcome(error, evidence)),
      );
  }

  /**
   * Fills free slots from the buffer. A reserved job is charged its attempt (jobforge_start_jobs)
   * before its handler runs, so a job that crashes its worker is always charged, and one that
   * never ran never is.
   */
  function dispatch(): void {
    if (stopping) return;
    for (let i = 0; i < buffer.length && freeSlots() > 0; ) {
      if (buffer[i]!.started) start(buffer.splice(i, 1)[0]!);
      else i++;
    }
    if (startsHeld || startSoon) return;
    // At the end of this turn: the slots that free together (a batch's handlers finishing) are
    // started by one statement.
    startSoon = true;
    setImmediate(() => {
      startSoon = false;
      if (stopping || startsHeld) return;
      const batch = takeReserved();
      if (batch.length === 0) return;
      // Calls may overlap (each on its own pooled connection): a slot that frees while one is in
      // flight need not wait for it.
      const call: Promise<void> = startReserved(batch).finally(() => {
        startCalls.delete(call);
        dispatch();
      });
      startCalls.add(call);
    });
  }

  function freeSlots(): number {
    return concurrency - running.size - promised - starting.size;
  }

  /** Moves reserved jobs for the free slots from the buffer to `starting`. */
  function takeReserved(): ClaimedJob[] {
    if (stopping) return [];
    const batch: ClaimedJob[] = [];
    for (let i = 0, free = freeSlots(); i < buffer.length && batch.length < free; ) {
      if (buffer[i]!.started) i++;
      else batch.push(buffer.splice(i, 1)[0]!);
    }
    for (const job of batch) starting.add(job);
    return batch;
  }

  async function startReserved(batch: ClaimedJob[]): Promise<void> {
    let held: { id: string; attempts: number }[];
    try {
      // A start-only cycle commits without waiting for the WAL flush (see migration 0018), so
      // the handlers' path stays off the disk; completions go on their own connection.
      held = (
        await client.completeAndStart(
          [],
          batch.map((j) => ({ id: j.id, lease: j.lease })),
        )
      ).started;
    } catch (error) {
      log.warn('starting reserved jobs failed; retrying', { error: (error as Error)?.message });
      for (const job of batch) starting.delete(job);
      buffer.unshift(...batch);
      startsHeld = true;
      await new Promise((r) =>
        setTimeout(r, isConnectionError(error) ? reconnectDelay(1) : pollMs),
      );
      startsHeld = false;
      return;
    }
    startedAnswer(batch, held);
  }

  /** Runs the jobs of a start call that this worker still holds, charged `attempts`. */
  function startedAnswer(batch: ClaimedJob[], answer: { id: string; attempts: number }[]): void {
    const held = new Map(answer.map((r) => [r.id, r.attempts]));
    for (const job of batch) starting.delete(job);
    for (const job of batch) {
      const attempts = held.get(job.id);
      if (attempts === undefined) {
        stats.lost++;
        log.warn('lease lost before the job started; dropping it here', { job_id: job.id });
        continue;
      }
      const started = { ...job, attempts, started: true };
      if (stopping) buffer.push(started);
      else start(started);
    }
  }

  async function release(jobs: ClaimedJob[]): Promise<void> {
    if (jobs.length === 0) return;
    for (let failures = 0; failures < 5; failures++) {
      try {
        const ids = await client.release(jobs.map((j) => ({ id: j.id, lease: j.lease })));
        stats.released += ids.length;
        log.info('released jobs to the queue', { jobs: ids.length });
        return;
      } catch (error) {
        log.warn('releasing jobs failed; their leases will expire instead', {
          error: (error as Error)?.message,
        });
        if (!isConnectionError(error)) return;
        await new Promise((r) => setTimeout(r, reconnectDelay(failures + 1)));
      }
    }
  }

  async function fetchLoop(): Promise<void> {
    let failures = 0;
    while (!stopping) {
      adapt();
      const capacity = concurrency + prefetch;
      const room = capacity - buffer.length - starting.size - running.size;
      if (room <= 0 || (buffer.length > 0 && room < Math.ceil(capacity / 2))) {
        waitingForRoom = true;
        await pause(pollMs);
        waitingForRoom = false;
        continue;
      }
      wake = false;
      let jobs: ClaimedJob[];
      try {
        const started = performance.now();
        // Start only what free slots take now (reserved jobs already here go first); the rest is
        // reserved, uncharged, until it starts.
        promised = Math.max(0, concurrency - running.size - starting.size - buffer.length);
        jobs = await client.claim({
          workerId,
          limit: room,
          leaseMs,
          start: promised,
          ...(types ? { types } : {}),
        });
        claimMs = 0.8 * claimMs + 0.2 * (performance.now() - started);
        if (failures > 0) log.info('database reachable again', { after_failures: failures });
        failures = 0;
      } catch (error) {
        promised = 0;
        failures++;
        const message = (error as Error)?.message ?? String(error);
        if (isConnectionError(error))
          log.warn('database unreachable; retrying', { error: message });
        else log.error('claim failed', { error: message });
        await pause(isConnectionError(error) ? reconnectDelay(failures) : pollMs);
        continue;
      }
      promised = 0;
      if (stopping) {
        await release(jobs);
        break;
      }
      stats.claimed += jobs.length;
      for (const job of jobs) if (job.started) start(job);
      buffer.push(...jobs.filter((job) => !job.started));
      dispatch();
      // Fewer than asked for: the queue is drained for now; wait for a notification or the poll.
      if (jobs.length < room && !wake) await pause(pollMs);
    }
  }

  // LISTEN has one owner of reconnects: at most one connection and at most one pending retry at a
  // time, whatever mix of set-up failures and lost connections an outage produces.
  let unlisten: (() => Promise<void>) | undefined;
  let listenFailures = 0;
  let listenRetry: NodeJS.Timeout | undefined;
  let connecting: Promise<void> | undefined;
  const retryListen = () => {
    if (stopping || listenRetry) return;
    listenRetry = setTimeout(() => {
      listenRetry = undefined;
      void listen();
    }, reconnectDelay(++listenFailures));
    listenRetry.unref();
  };
  function listen(): Promise<void> {
    if (stopping || options.listen === false || connecting || unlisten) return Promise.resolve();
    connecting = connectListen().finally(() => {
      connecting = undefined;
    });
    return connecting;
  }
  async function connectListen(): Promise<void> {
    let lostEarly = false;
    try {
      const stopListening: () => Promise<void> = await client.driver.listen(
        CHANNEL,
        (type) => {
          if (types && type !== '' && !types.includes(type)) return;
          wake = true;
          kick();
        },
        (error) => {
          if (unlisten !== stopListening) {
            lostEarly = true;
            return;
          }
          unlisten = undefined;
          if (stopping) return;
          log.warn('LISTEN connection lost; polling until it is back', { error: error.message });
          retryListen();
        },
      );
      if (stopping) {
        await stopListening();
        return;
      }
      if (lostEarly) throw new Error('the LISTEN connection closed as it opened');
      unlisten = stopListening;
      listenFailures = 0;
    } catch (error) {
      if (stopping) return;
      log.warn('LISTEN failed; polling until it works', { error: (error as Error)?.message });
      retryListen();
    }
  }

  async function heartbeat(): Promise<void> {
    const held = [
      ...buffer,
      ...starting,
      ...[...running.values()].map((r) => r.job),
      ...awaiting.values(),
    ];
    if (held.length === 0) return;
    const leases = new Set(held.map((j) => j.lease));
    let kept: Set<string>;
    try {
      kept = new Set(await client.heartbeat([...leases], leaseMs));
    } catch (error) {
      log.warn('heartbeat failed', { error: (error as Error)?.message });
      return;
    }
    const lost = (job: ClaimedJob) => leases.has(job.lease) && !kept.has(job.id);
    for (let i = buffer.length - 1; i >= 0; i--) {
      const job = buffer[i]!;
      if (!lost(job)) continue;
      buffer.splice(i, 1);
      stats.lost++;
      log.warn('lease lost before the job started; dropping it here', { job_id: job.id });
    }
    for (const entry of running.values()) {
      if (!lost(entry.job) || entry.settled) continue;
      entry.settled = true;
      clearTimeout(entry.timer);
      running.delete(entry.job.id);
      entry.controller.abort(new Error('lease lost'));
      stats.lost++;
      log.warn('lease lost while running; the job will run again elsewhere', {
        job_id: entry.job.id,
        trace_id: entry.job.trace_id ?? undefined,
      });
    }
  }

  async function announce(ttlMs: number): Promise<void> {
    try {
      await client.workerHeartbeat(workerId, ttlMs);
    } catch (error) {
      log.warn('presence beat failed', { error: (error as Error)?.message });
    }
  }

  await listen();
  if (livenessMs > 0) await announce(livenessMs);
  const presenceTimer =
    livenessMs > 0
      ? setInterval(() => void announce(livenessMs), Math.max(50, Math.floor(livenessMs / 3)))
      : undefined;
  const heartbeatTimer = setInterval(() => void heartbeat(), heartbeatMs);
  const loop = fetchLoop();
  log.info('worker started', { concurrency, types: types ?? 'all', lease_ms: leaseMs });

  let stopped: Promise<void> | undefined;
  return {
    id: workerId,
    stats: () => ({ ...stats }),
    stop() {
      stopped ??= (async () => {
        stopping = true;
        kick();
        await loop;
        await Promise.all(startCalls);
        await release(buffer.splice(0));
        if (running.size > 0) {
          log.info('waiting for in-flight jobs', { jobs: running.size, grace_ms: graceMs });
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([
            new Promise<void>((resolve) => idleWaiters.push(resolve)),
            new Promise<void>((resolve) => {
              timer = setTimeout(resolve, graceMs);
            }),
          ]);
          clearTimeout(timer);
        }
        const unfinished = [...running.values()];
        for (const entry of unfinished) {
          entry.settled = true;
          clearTimeout(entry.timer);
          entry.controller.abort(new Error('worker shutting down'));
        }
        running.clear();
        idleWaiters = [];
        await release(unfinished.map((e) => e.job));
        await batcher.drain();
        clearInterval(heartbeatTimer);
        clearInterval(presenceTimer);
        if (livenessMs > 0) await announce(0);
        clearTimeout(listenRetry);
        await connecting;
        const stopListening = unlisten;
        unlisten = undefined;
        await stopListening?.();
        log.info('worker stopped', { ...stats });
      })();
      return stopped;
    },
  };
}

function successOutcome(result: unknown, evidence: unknown): JobOutcome {
  if (result !== undefined) {
    try {
      JSON.stringify(result);
    } catch (error) {
      return {
        ok: false,
        retryable: false,
        error: {
          code: 'RESULT_NOT_JSON',
          message: `the handler's result is not JSON: ${(error as Error).message}`,
        },
      };
    }
  }
  return evidence === undefined ? { ok: true, result } : { ok: true, result, evidence };
}

function failureOutcome(error: unknown, evidence: unknown): JobOutcome {
  const e = error as { code?: unknown; message?: unknown; retryable?: unknown } | undefined;
  const failure = error instanceof JobFailure ? error : undefined;
  const message = typeof e?.message === 'string' ? e.message : String(error);
  const attached = failure?.evidence ?? evidence;
  return {
    ok: false,
    retryable: failure ? failure.retryable : e?.retryable !== false,
    error: {
      code: typeof e?.code === 'string' ? e.code : 'HANDLER_ERROR',
      message: message.length > 2000 ? `${message.slice(0, 2000)}…` : message,
    },
    ...(failure?.retryInMs === undefined ? {} : { retryInMs: failure.retryInMs }),
    ...(attached === undefined ? {} : { evidence: attached }),
  };
}

function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new QueueError('INVALID_OPTION', `${name} must be a positive integer, got ${value}`, {
      where: name,
    });
  }
  return value;
}
