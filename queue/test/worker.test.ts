import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { JobFailure } from '../src/job-failure.js';
import { createJsonLogger } from '../src/json-logger.js';
import { createQueueClient, type QueueClient } from '../src/queue-client.js';
import { type JobHandler, runWorker, type WorkerOptions } from '../src/run-worker.js';
import type { JobStatus } from '../src/types.js';
import { createTestDatabase, type TestDatabase, until } from './helpers.js';

describe('the worker', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  // Each test: its own tenant, and a worker bound to it so tests do not take each other's jobs.
  function setup() {
    const tenantId = randomUUID();
    const producer = createQueueClient(db.driver(), { tenantId });
    const lines: Record<string, unknown>[] = [];
    const start = (handlers: Record<string, JobHandler>, options: Partial<WorkerOptions> = {}) =>
      runWorker({
        client: createQueueClient(db.driver(), { tenantId }),
        handlers,
        logger: createJsonLogger({ level: 'debug', write: (line) => lines.push(JSON.parse(line)) }),
        ...options,
      });
    const status = async (id: string, wanted: JobStatus) => {
      const job = await producer.get(id);
      return job?.status === wanted ? job : undefined;
    };
    return { producer, start, lines, status };
  }

  it('runs each job type with its handler, never more than `concurrency` at once', async () => {
    const { producer, start, status } = setup();
    let inFlight = 0;
    let most = 0;
    const handler: JobHandler<{ n: number }> = async (job) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return { doubled: job.payload.n * 2 };
    };
    const ids = await producer.enqueueMany(
      Array.from({ length: 40 }, (_, n) => ({ type: n % 2 ? 'a' : 'b', payload: { n } })),
    );
    const worker = await start({ a: handler, b: handler }, { concurrency: 3 });
    await until(
      'all jobs done',
      async () => (await producer.list({ status: 'succeeded', limit: 100 })).length === 40,
    );
    await worker.stop();
    expect(most).toBeLessThanOrEqual(3);
    const last = await status(ids[39]!, 'succeeded');
    expect(last!.results[0]!.result).toEqual({ doubled: 78 });
    expect(worker.stats()).toMatchObject({ succeeded: 40, failed: 0, dead: 0 });
  });

  it('charges the slots that free together with one statement, and never more than `concurrency`', async () => {
    const { producer } = setup();
    const ids = await producer.enqueueMany(
      Array.from({ length: 300 }, (_, n) => ({ type: 'quick', payload: { n } })),
    );
    const client = createQueueClient(db.driver());
    const sizes: number[] = [];
    const completeAndStart = client.completeAndStart.bind(client);
    client.completeAndStart = async (items, start, claim) => {
      sizes.push(start.length);
      return completeAndStart(items, start, claim);
    };
    let inFlight = 0;
    let most = 0;
    const worker = await runWorker({
      client,
      concurrency: 10,
      types: ['quick'],
      handlers: {
        quick: async () => {
          inFlight++;
          most = Math.max(most, inFlight);
          await Promise.resolve();
          inFlight--;
        },
      },
    });
    await until(
      'all jobs done',
      async () => (await producer.get(ids[299]!))?.status === 'succeeded',
    );
    await until(
      'every job recorded',
      async () => (await producer.list({ status: 'succeeded', limit: 300 })).length === 300,
    );
    await worker.stop();
    expect(most).toBeLessThanOrEqual(10);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(10);
    // Most jobs were reserved by claims and charged by start statements, several per statement.
    const charged = sizes.reduce((a, b) => a + b, 0);
    expect(charged).toBeGreaterThan(150);
    expect(sizes.length).toBeLessThan(charged / 3);
  });

  it('makes a job of an unknown type dead with a clear error and keeps working', async () => {
    const { producer, start, status, lines } = setup();
    const stray = await producer.enqueue('no.such.type', {}, { traceId: 'trace-stray' });
    const fine = await producer.enqueue('known', {});
    const worker = await start({ known: async () => 'ok' });
    const dead = await until('dead', () => status(stray.id, 'dead'));
    await until('the other job', () => status(fine.id, 'succeeded'));
    await worker.stop();
    expect(dead.attempts).toBe(1);
    expect(dead.last_error).toMatchObject({
      code: 'UNKNOWN_JOB_TYPE',
      message: expect.stringMatching(/"no\.such\.type".*known/),
    });
    expect(lines.find((l) => l.job_id === stray.id && l.level === 'error')).toMatchObject({
      trace_id: 'trace-stray',
      type: 'no.such.type',
    });
  });

  it('wakes on NOTIFY without waiting for the poll', async () => {
    const { producer, start, status } = setup();
    const worker = await start({ t: async () => 'ok' }, { pollMs: 600_000 });
    await new Promise((r) => setTimeout(r, 100)); // idle, its first empty claim done
    const { id } = await producer.enqueue('t', {});
    await until('notified job', () => status(id, 'succeeded'), 15_000);
    await worker.stop();
  });

  it('finds jobs by polling when it does not listen', async () => {
    const { producer, start, status } = setup();
    const worker = await start({ t: async () => 'ok' }, { listen: false, pollMs: 50 });
    const { id } = await producer.enqueue('t', {});
    await until('polled job', () => status(id, 'succeeded'));
    await worker.stop();
  });

  it('retries a failing handler, keeps each attempt, and logs JSON lines with job_id and trace_id', async () => {
    const { producer, start, status, lines } = setup();
    let calls = 0;
    const { id } = await producer.enqueue('flaky', { x: 1 }, { traceId: 'trace-1' });
    const worker = await start(
      {
        flaky: async (_job, ctx) => {
          calls++;
          ctx.setEvidence({ call: calls });
          if (calls === 1) throw new JobFailure('UPSTREAM_503', 'upstream busy', { retryInMs: 0 });
          if (calls === 2) throw new Error('socket hang up');
          return 'third time';
        },
      },
      { pollMs: 20 },
    );
    const done = await until('success', () => status(id, 'succeeded'));
    await worker.stop();
    expect(done.attempts).toBe(3);
    expect(done.attempt_history.map((a) => [a.outcome, a.error?.code, a.evidence])).toEqual([
      ['failed', 'UPSTREAM_503', { call: 1 }],
      ['failed', 'HANDLER_ERROR', { call: 2 }],
      ['succeeded', undefined, { call: 3 }],
    ]);
    expect(done.results[0]).toMatchObject({ result: 'third time', evidence: { call: 3 } });
    const failedLine = lines.find((l) => l.msg === 'job failed, will retry');
    expect(failedLine).toMatchObject({
      job_id: id,
      trace_id: 'trace-1',
      worker_id: worker.id,
      level: 'warn',
    });
    expect(typeof failedLine!.time).toBe('string');
  }, 30_000);

  it('fails a hung handler at its timeout, aborts its signal, and retries the job', async () => {
    const { producer, start, status } = setup();
    let calls = 0;
    let aborted = false;
    const { id } = await producer.enqueue('hangs-once', {}, { backoffBaseMs: 0 });
    const worker = await start(
      {
        'hangs-once': async (_job, ctx) => {
          calls++;
          if (calls === 1) {
            ctx.signal.addEventListener('abort', () => {
              aborted = true;
            });
            await new Promise(() => {});
          }
          return 'ok';
        },
      },
      { jobTimeoutMs: 200, pollMs: 20 },
    );
    const done = await until('retry after timeout', () => status(id, 'succeeded'));
    await worker.stop();
    expect(aborted).toBe(true);
    expect(done.attempt_history.map((a) => a.error?.code ?? a.outcome)).toEqual([
      'JOB_TIMEOUT',
      'succeeded',
    ]);
  });

  it('keeps a long job leased by heartbeats, so no other worker takes it', async () => {
    const { producer, start, status } = setup();
    const { id } = await producer.enqueue('long', {});
    let runs = 0;
    const lease = { leaseMs: 1500, heartbeatMs: 150, pollMs: 50 };
    const holder = await start(
      {
        long: async () => {
          runs++;
          await new Promise((r) => setTimeout(r, 3000)); // twice the lease
          return 'done';
        },
      },
      lease,
    );
    await until('claimed', () => status(id, 'running'));
    const rival = await start(
      {
        long: async () => {
          runs++;
          return 'taken';
        },
      },
      lease,
    );
    const done = await until('done', () => status(id, 'succeeded'));
    await Promise.all([holder.stop(), rival.stop()]);
    expect(runs).toBe(1);
    expect(done).toMatchObject({ attempts: 1 });
    expect(done.results[0]!.result).toBe('done');
  });

  it('on stop finishes in-flight jobs, releases the ones it holds, and releases overdue ones at the deadline', async () => {
    const { producer, start } = setup();
    const started: string[] = [];
    const ids = await producer.enqueueMany(
      Array.from({ length: 6 }, (_, i) => ({ type: 'slow', payload: i })),
    );
    const worker = await start(
      {
        slow: async (job) => {
          started.push(job.id);
          await new Promise((r) => setTimeout(r, job.payload === 0 ? 100 : 60_000));
          return 'finished';
        },
      },
      { concurrency: 2, prefetch: 4, shutdownGraceMs: 500 },
    );
    await until('two started', async () => started.length === 2);
    await worker.stop();
    const jobs = await Promise.all(ids.map((id) => producer.get(id)));
    const by = (s: JobStatus) => jobs.filter((j) => j!.status === s).length;
    expect(by('succeeded')).toBe(1); // finished within the grace period
    expect(by('queued')).toBe(5); // 4 held but never started + 1 overdue: back in the queue
    expect(jobs.every((j) => j!.status === 'succeeded' || j!.attempts === 0)).toBe(true);
    expect(worker.stats().released).toBe(5);
  });

  it('survives the database dropping its connections mid-run and loses no job', async () => {
    const { producer, start, lines } = setup();
    let handled = 0;
    const worker = await start(
      {
        t: async () => {
          handled++;
          await new Promise((r) => setTimeout(r, 10));
        },
      },
      { pollMs: 50, concurrency: 4 },
    );
    const first = await producer.enqueueMany(
      Array.from({ length: 100 }, (_, i) => ({ type: 't', payload: i })),
    );
    await until('some progress', async () => handled > 10);
    // Every connection of this database but ours is cut, as when the server restarts.
    await db.admin(
      'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    );
    const second = await until('enqueue after the cut', async () => {
      try {
        return await producer.enqueueMany(
          Array.from({ length: 50 }, (_, i) => ({ type: 't', payload: 100 + i })),
        );
      } catch {
        return undefined;
      }
    });
    await until(
      'all 150 succeeded',
      async () => (await producer.list({ status: 'succeeded', limit: 1000 })).length === 150,
      30_000,
    );
    await worker.stop();
    expect(first.length + second.length).toBe(150);
    expect(lines.some((l) => /LISTEN connection lost/.test(String(l.msg)))).toBe(true);
  }, 40_000);
});

export type { QueueClient };
