// Adapter: JobForge's queue, for the anchor harness (see its ADAPTER.md). scripts/bench/queue.ts
// copies this file into the harness as adapters/jobforge.mjs and passes the queue's source through
// JOBFORGE_QUEUE_SRC (the harness runs under tsx, so the TypeScript source imports directly).
import { readFileSync } from 'node:fs';
import pg from 'pg';

const queue = await import(process.env.JOBFORGE_QUEUE_SRC);
const { version: VERSION } = JSON.parse(
  readFileSync(new URL('package.json', new URL('..', process.env.JOBFORGE_QUEUE_SRC)), 'utf8'),
);
const TYPE = 'bench';
const TENANT = '00000000-0000-4000-8000-00000000be9c';

// Variant options: none yet; the point is JobForge's defaults.
export async function create({ connectionString }) {
  const producerDriver = queue.createPgDriver({ connectionString });
  await queue.migrate(producerDriver);
  const producer = queue.createQueueClient(producerDriver, { tenantId: TENANT });
  const admin = new pg.Pool({ connectionString, max: 2 });
  const workerDrivers = [];

  return {
    library: 'jobforge',
    version: VERSION,
    config: {
      wakeup: 'LISTEN/NOTIFY (one per enqueue statement) + poll fallback every 1000 ms',
      claim:
        'jobforge_claim_jobs: one SKIP LOCKED batch per round trip, up to concurrency + prefetch (auto: from handler time, max 250), 30 s lease, heartbeat every 10 s',
      start:
        'reserved jobs charged per event-loop turn by jobforge_complete_and_start (start only: no WAL flush wait), overlapping completions',
      complete:
        'jobforge_complete_jobs, synchronous commit: completions of one turn, and those that finish during a round trip, go together (no timer)',
      records: 'status change + attempt row + result row per job, in one statement',
      pool: 'node-postgres, max 10 (producer and worker each)',
      enqueueOne: 'client.enqueue()',
      enqueueBatch: 'client.enqueueMany() single call',
    },

    async reset() {
      await admin.query(
        'truncate jobforge.jobforge_jobs, jobforge.jobforge_job_attempts, jobforge.jobforge_job_results restart identity',
      );
    },

    async enqueueOne(payload) {
      await producer.enqueue(TYPE, payload);
    },

    async enqueueBatch(payloads) {
      await producer.enqueueMany(payloads.map((payload) => ({ type: TYPE, payload })));
    },

    async runWorker({ concurrency, handler }) {
      // A worker has its own pool, as it would in its own process.
      const driver = queue.createPgDriver({ connectionString });
      workerDrivers.push(driver);
      const worker = await queue.runWorker({
        client: queue.createQueueClient(driver),
        concurrency,
        handlers: {
          [TYPE]: async (job) => {
            await handler(job.payload);
          },
        },
      });
      return { stop: () => worker.stop() };
    },

    async pendingCount() {
      const { rows } = await admin.query(
        "select count(*)::int as n from jobforge.jobforge_jobs where status in ('queued', 'running', 'failed')",
      );
      return rows[0].n;
    },

    async close() {
      await Promise.all(workerDrivers.map((d) => d.close()));
      await producerDriver.close();
      await admin.end();
    },
  };
}
