import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createQueueClient, type QueueClient } from '../src/queue-client.js';
import { runWorker } from '../src/run-worker.js';
import { createTestDatabase, type TestDatabase } from './helpers.js';

const CHILD = fileURLToPath(new URL('./fixtures/worker-child.ts', import.meta.url));
const children: ChildProcess[] = [];

/** Starts the fixture worker in its own Node process; resolves when it printed `ready`. */
function startChild(url: string, mode: 'hang' | 'slow') {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@jobforge/source', CHILD, url, mode],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  const lines: string[] = [];
  const waiters: { match: RegExp; resolve: (line: string) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const w of waiters.splice(0)) {
      if (w.match.test(line)) w.resolve(line);
      else waiters.push(w);
    }
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  const waitFor = (match: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const seen = lines.find((l) => match.test(l));
      if (seen) return resolve(seen);
      waiters.push({ match, resolve });
      child.once('exit', (code) =>
        reject(new Error(`child exited (${code}) before ${match}: ${stderr}`)),
      );
    });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, waitFor, exited, stderr: () => stderr };
}

describe('a worker in its own process', () => {
  let db: TestDatabase;
  let producer: QueueClient;
  beforeAll(async () => {
    db = await createTestDatabase();
    producer = createQueueClient(db.driver(), { tenantId: randomUUID() });
  });
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  });

  it('SIGKILLed mid-job: the job is claimed again after the lease and completes', async () => {
    const { id } = await producer.enqueue('work', { n: 1 }, { traceId: 'crash-1' });
    const doomed = startChild(db.url, 'hang');
    await doomed.waitFor(new RegExp(`^started ${id}$`));
    doomed.child.kill('SIGKILL');
    expect(await doomed.exited).toBeNull();
    expect(await producer.get(id)).toMatchObject({ status: 'running', attempts: 1 });

    const survivor = await runWorker({
      client: createQueueClient(db.driver()),
      handlers: { work: async (job) => ({ done: job.id }) },
      pollMs: 100,
    });
    try {
      for (let i = 0; i < 200; i++) {
        if ((await producer.get(id))?.status === 'succeeded') break;
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await survivor.stop();
    }
    const job = await producer.get(id);
    expect(job).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(job!.attempt_history.map((a) => a.outcome)).toEqual(['lease_expired', 'succeeded']);
    expect(job!.attempt_history[0]!.error).toMatchObject({ code: 'LEASE_EXPIRED' });
    expect(job!.results[0]!.result).toEqual({ done: id });
  }, 30_000);

  it('SIGTERM: stops claiming, finishes the job in flight, exits 0', async () => {
    const worker = startChild(db.url, 'slow');
    await worker.waitFor(/^ready$/);
    const { id } = await producer.enqueue('work', { n: 2 });
    await worker.waitFor(new RegExp(`^started ${id}$`));
    worker.child.kill('SIGTERM');
    await worker.waitFor(/^stopped$/);
    expect(await worker.exited).toBe(0);
    expect(await producer.get(id)).toMatchObject({ status: 'succeeded', attempts: 1 });
    const logs = worker
      .stderr()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(logs.map((l) => l.msg)).toContain('worker stopped');
  }, 30_000);
});
