import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createQueueClient, type QueueClient } from '../src/queue-client.js';
import { runWorker } from '../src/run-worker.js';
import { createTestDatabase, type TestDatabase, until } from './helpers.js';

const CHILD = fileURLToPath(new URL('./fixtures/crash-child.ts', import.meta.url));
const children: ChildProcess[] = [];

function startChild(url: string, concurrency: number, liveness: number | 'default') {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=@jobforge/source',
      CHILD,
      url,
      String(concurrency),
      String(liveness),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(child);
  const started: string[] = [];
  const startedAt = new Map<string, number>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const m = /^started (\d+)$/.exec(line);
    if (m) {
      started.push(m[1]!);
      startedAt.set(m[1]!, Date.now());
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, started, exited };
}

// Workers in their own processes, killed for real: a poison job SIGKILLs whichever worker runs it.
describe('crashing workers', () => {
  let db: TestDatabase;
  let producer: QueueClient;
  beforeAll(async () => {
    db = await createTestDatabase();
    producer = createQueueClient(db.driver());
  });
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  });

  it.each([1, 10])(
    'a poison job among 200 healthy ones at concurrency %i sends no healthy job to dead',
    async (concurrency) => {
      const tenantId = randomUUID();
      const ids = await producer.enqueueMany(
        Array.from({ length: 201 }, (_, i) => ({
          type: 'work',
          payload: i === 40 ? { poison: true } : { n: i },
        })),
        { tenantId },
      );
      const poison = ids[40]!;
      let crashes = 0;
      let stop = false;
      // A supervisor: one worker process at a time, restarted whenever it dies.
      const supervise = (async () => {
        while (!stop) {
          const worker = startChild(db.url, concurrency, 1000);
          await worker.exited;
          if (!stop) crashes++;
        }
      })();
      const counts = async () => {
        const jobs = await producer.list({ tenantId, limit: 1000 });
        return {
          succeeded: jobs.filter((j) => j.status === 'succeeded').length,
          dead: jobs.filter((j) => j.status === 'dead').map((j) => j.id),
        };
      };
      try {
        await until(
          'the queue to settle',
          async () => {
            const c = await counts();
            return c.succeeded + c.dead.length === 201;
          },
          120_000,
        );
      } finally {
        stop = true;
        for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
        await supervise;
      }
      const { succeeded, dead } = await counts();
      expect(dead).toEqual([poison]);
      expect(succeeded).toBe(200);
      expect(crashes).toBe(5);
      const job = await producer.get(poison, { tenantId });
      expect(job).toMatchObject({ status: 'dead', attempts: 5 });
      expect(job!.last_error).toMatchObject({ code: 'LEASE_EXPIRED' });
    },
    150_000,
  );

  it('frees a SIGKILLed worker’s jobs within seconds with the default lease and liveness', async () => {
    const tenantId = randomUUID();
    const { id } = await producer.enqueue('work', { ms: 60_000 }, { tenantId });
    const doomed = startChild(db.url, 4, 'default');
    await until('the job to start', async () => doomed.started.includes(id));
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    const killedAt = Date.now();
    let rerunAt = 0;
    const survivor = await runWorker({
      client: createQueueClient(db.driver(), { tenantId }),
      handlers: {
        work: async () => {
          rerunAt ||= Date.now();
        },
      },
    });
    try {
      await until('the job to run again', async () => rerunAt > 0, 30_000);
    } finally {
      await survivor.stop();
    }
    // Default lease 30 s; presence (6 s) frees it well before.
    expect(rerunAt - killedAt).toBeLessThan(10_000);
    const job = await producer.get(id, { tenantId });
    expect(job).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(job!.attempt_history[0]).toMatchObject({ outcome: 'lease_expired' });
  }, 60_000);

  it('returns reserved jobs of a dead worker without charging them', async () => {
    const tenantId = randomUUID();
    const client = createQueueClient(db.driver(), { tenantId });
    await client.enqueueMany(Array.from({ length: 6 }, (_, i) => ({ type: 'work', payload: i })));
    await client.workerHeartbeat('ghost', 100);
    const jobs = await client.claim({ workerId: 'ghost', limit: 6, start: 2 });
    expect(jobs.map((j) => j.started)).toEqual([true, true, false, false, false, false]);
    expect(jobs.map((j) => j.attempts)).toEqual([1, 1, 0, 0, 0, 0]);
    await new Promise((r) => setTimeout(r, 200));
    // The ghost stopped announcing itself: the next claim frees all six, charging only two.
    const again = await client.claim({ workerId: 'next', limit: 10 });
    const attempts = Object.fromEntries(again.map((j) => [j.id, j.attempts]));
    expect(again).toHaveLength(6 - 1); // two suspects: this worker may hold only one
    expect(Object.values(attempts).sort()).toEqual([1, 1, 1, 1, 2]);
  });
});
