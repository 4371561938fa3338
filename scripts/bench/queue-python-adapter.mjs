// Adapter: JobForge's Python client and worker (python/), for the anchor harness (ADAPTER.md).
// scripts/bench/queue.ts copies it into the harness as adapters/jobforge-python.mjs. Enqueue and
// the worker run in one Python process (queue-python-child.py) driven over stdin/stdout; each job
// the Python handler runs is reported back (in batches) and counted by the harness's handler.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import pg from 'pg';

const queue = await import(process.env.JOBFORGE_QUEUE_SRC);
const PYTHON_DIR = new URL('../../python/', process.env.JOBFORGE_QUEUE_SRC);
const CHILD = new URL('../../scripts/bench/queue-python-child.py', process.env.JOBFORGE_QUEUE_SRC);
const VERSION = /^version = "([^"]+)"/m.exec(
  readFileSync(new URL('pyproject.toml', PYTHON_DIR), 'utf8'),
)?.[1];
const PYTHON = process.env.JOBFORGE_PYTHON ?? '/usr/bin/python3';

export async function create({ connectionString }) {
  const driver = queue.createPgDriver({ connectionString, max: 1 });
  await queue.migrate(driver);
  await driver.close();
  const admin = new pg.Pool({ connectionString, max: 2 });
  const child = spawn(PYTHON, [CHILD.pathname, connectionString], {
    env: { ...process.env, PYTHONPATH: PYTHON_DIR.pathname },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const waiting = new Map();
  let handler = async () => {};
  let next = 0;
  createInterface({ input: child.stdout }).on('line', (line) => {
    const message = JSON.parse(line);
    if ('handled' in message) {
      for (const payload of message.handled) void handler(payload);
      return;
    }
    const pending = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error) pending?.reject(new Error(`python: ${message.error}`));
    else pending?.resolve();
  });
  const request = (body) =>
    new Promise((resolve, reject) => {
      const id = ++next;
      waiting.set(id, { resolve, reject });
      child.stdin.write(`${JSON.stringify({ id, ...body })}\n`);
    });

  return {
    library: 'jobforge (python)',
    version: VERSION,
    config: {
      python: 'CPython with Debian psycopg 3; client calls on one autocommit connection',
      wakeup: 'LISTEN/NOTIFY on its own connection + poll fallback every 1000 ms',
      claim:
        'jobforge_claim_jobs: up to concurrency + prefetch (auto, max 250), 30 s lease, heartbeat every 10 s',
      complete: 'jobforge_complete_jobs: completions batched while a round trip is in flight',
      connection:
        'asyncio psycopg: one connection for claims, one for completions/heartbeats, one for LISTEN',
      handler: 'async no-op in Python, reported to the harness over a pipe',
      enqueueOne: 'jobforge.enqueue_job()',
      enqueueBatch: 'jobforge.enqueue_jobs() single call',
    },

    async reset() {
      await admin.query(
        'truncate jobforge.jobforge_jobs, jobforge.jobforge_job_attempts, jobforge.jobforge_job_results restart identity',
      );
    },

    enqueueOne: (payload) => request({ op: 'enqueueOne', payload }),

    enqueueBatch: (payloads) => request({ op: 'enqueueBatch', payloads }),

    async runWorker({ concurrency, handler: counted }) {
      handler = counted;
      await request({ op: 'startWorker', concurrency });
      return { stop: () => request({ op: 'stopWorker' }) };
    },

    async pendingCount() {
      const { rows } = await admin.query(
        "select count(*)::int as n from jobforge.jobforge_jobs where status in ('queued', 'running', 'failed')",
      );
      return rows[0].n;
    },

    async close() {
      child.stdin.end();
      await exited;
      await admin.end();
    },
  };
}
