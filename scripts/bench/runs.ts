// npm run bench:runs [-- --db pglite,postgres --pg URL]
// The cost of run records: echo jobs in the sandbox at concurrency 10, records off vs on (events,
// artifacts and manifest written in one batched call, manifest signed); storage per run; replay
// time vs the live run. Once per database: the embedded one (PGlite, one connection) and a
// throwaway PostgreSQL (startBenchServer) unless --pg names one. Short and bounded: N runs a side.
// Tail latency: `jobforge jobs tail`'s machinery (tailJob + formatEvent, in this process, on its own
// runs client) follows a job while events are appended to it one at a time, as a running job's
// recorder writes them; measured from the start of the write (appendRunEvents) to the printed
// line being produced. The recorder's own buffering (EVENT_FLUSH_MS) comes before that and is not
// counted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateSigningKeyPair } from '@jobforge/sdk';
import { formatEvent, tailJob } from '../../cli/src/runs/tail-job.js';
import {
  createPgDriver,
  createPgliteDriver,
  createQueueClient,
  createRunsClient,
  migrate,
  type QueueDriver,
} from '../../queue/src/index.js';
import {
  createDbArtifactStore,
  createFsArtifactStore,
  createRunRecorder,
  createRuntime,
  loadRun,
  prepareConnectorDir,
  replayRun,
} from '../../runtime/src/index.js';
import { type BenchServer, startBenchServer } from './queue-server.js';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'pglite,postgres' },
    pg: { type: 'string', default: process.env.BENCH_PG },
  },
});

const N = Number(process.env.BENCH_RUNS ?? 60);
const CONCURRENCY = 10;
const ECHO = join(import.meta.dirname, '../../connectors/echo');
const dir = mkdtempSync(join(tmpdir(), 'jobforge-bench-runs-'));
const pair = generateSigningKeyPair();
const runtime = await createRuntime({
  signingKey: pair.privateKeyPem,
  pool: { maxChildren: 4, warm: 4 },
});
async function bench(driver: QueueDriver, label: string) {
  await migrate(driver);
  const queue = createQueueClient(driver, { tenantId: '00000000-0000-4000-8000-000000000001' });
  const runs = createRunsClient(driver);
  const small = createDbArtifactStore(runs);
  const large = createFsArtifactStore(join(dir, 'artifacts'));
  const input = { operation: 'echo.say', payload: { message: 'bench' } };
  let bytes = 0;

  async function side(record: boolean) {
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < N) {
          next++;
          const { id } = await queue.enqueue('connector.run', { connector: 'echo' });
          const t = performance.now();
          const recorder = record
            ? createRunRecorder({ jobId: id, attempt: 1, sink: runs, large, input })
            : undefined;
          const run = await runtime.run(ECHO, input, {
            job_id: id,
            ...(recorder ? { record: recorder.record } : {}),
          });
          if (recorder) {
            const view = await recorder.finish(run);
            bytes += view.artifacts.reduce((sum, a) => sum + a.size, 0);
          }
          latencies.push(performance.now() - t);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const p = (q: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
    return { perSecond: N / seconds, p50: p(0.5), p99: p(0.99) };
  }

  await side(false); // warm-up
  const off = await side(false);
  bytes = 0;
  const on = await side(true);
  const perRun = bytes / N;

  const { id } = await queue.enqueue('connector.run', { connector: 'echo' });
  const recorder = createRunRecorder({
    jobId: id,
    attempt: 1,
    sink: runs,
    large,
    input,
    capture: true,
  });
  const t0 = performance.now();
  const live = await runtime.run(ECHO, input, { job_id: id, record: recorder.record });
  const liveMs = performance.now() - t0;
  await recorder.finish(live);
  const loaded = await loadRun((await runs.getRunManifest(id))!, { db: small, fs: large });
  const connector = await prepareConnectorDir(ECHO, join(dir, 'cache'));
  const t1 = performance.now();
  const replay = await replayRun(runtime, loaded, connector);
  const replayMs = performance.now() - t1;

  const tail = await tailLatency(queue, runs);

  const f = (n: number) => n.toFixed(1);
  console.log(
    `run records, echo connector, ${N} runs per side, concurrency ${CONCURRENCY}, ${label}`,
  );
  console.log('| measure | records off | records on | on/off |');
  console.log('|---|---|---|---|');
  console.log(
    `| runs/s | ${f(off.perSecond)} | ${f(on.perSecond)} | ${(on.perSecond / off.perSecond).toFixed(2)} |`,
  );
  console.log(
    `| latency p50 ms | ${f(off.p50)} | ${f(on.p50)} | ${(on.p50 / off.p50).toFixed(2)} |`,
  );
  console.log(
    `| latency p99 ms | ${f(off.p99)} | ${f(on.p99)} | ${(on.p99 / off.p99).toFixed(2)} |`,
  );
  console.log(`| stored bytes per run | 0 | ${Math.round(perRun)} | |`);
  console.log(
    `| live run vs replay ms | ${f(liveMs)} | ${f(replayMs)} (${replay.identical ? 'identical' : 'DIFFERENT'}) | ${(replayMs / liveMs).toFixed(2)} |`,
  );
  console.log(
    `| tail, event write to printed line ms (p50 / p99, ${TAIL_EVENTS} events) | | ${f(tail.p50)} / ${f(tail.p99)} | |`,
  );
}

const TAIL_EVENTS = 40;

/** Appends events to a job one at a time while tailJob follows it; ms from each write to its line. */
async function tailLatency(
  queue: ReturnType<typeof createQueueClient>,
  runs: ReturnType<typeof createRunsClient>,
) {
  const { id } = await queue.enqueue('connector.run', { connector: 'echo' });
  const written = new Map<number, number>();
  const took: number[] = [];
  let arrived: (() => void) | undefined;
  const abort = new AbortController();
  const following = tailJob(
    queue,
    runs,
    id,
    (event) => {
      formatEvent(event);
      const at = written.get(event.seq);
      if (at !== undefined) took.push(performance.now() - at);
      arrived?.();
    },
    { signal: abort.signal, pollMs: 1000, timeoutMs: 60_000 },
  );
  await new Promise((resolve) => setTimeout(resolve, 50)); // the tail is listening
  for (let seq = 1; seq <= TAIL_EVENTS; seq++) {
    const line = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    written.set(seq, performance.now());
    await runs.appendRunEvents(id, 1, [
      { kind: 'log', at: new Date().toISOString(), level: 'info', message: `line ${seq}` },
    ]);
    await line;
  }
  abort.abort();
  await runs.appendRunEvents(id, 1, [
    { kind: 'log', at: new Date().toISOString(), level: 'info', message: 'end' },
  ]);
  await following;
  took.sort((a, b) => a - b);
  const p = (q: number) => took[Math.min(took.length - 1, Math.floor(q * took.length))]!;
  return { p50: p(0.5), p99: p(0.99) };
}

for (const db of String(args.db).split(',')) {
  if (db === 'pglite') {
    const driver = await createPgliteDriver();
    await bench(driver, 'embedded database (PGlite, one connection)');
    await driver.close();
  } else if (db === 'postgres') {
    const server: BenchServer | undefined = args.pg ? undefined : await startBenchServer('auto');
    const driver = createPgDriver({ connectionString: args.pg ?? server!.url, max: CONCURRENCY });
    await bench(driver, server?.description ?? 'the given PostgreSQL');
    await driver.close();
    await server?.stop();
  } else throw new Error(`--db takes pglite and postgres, got ${db}`);
}
await runtime.close();
rmSync(dir, { recursive: true, force: true });
