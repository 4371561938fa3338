// npm run bench:runs [-- --db pglite,postgres --pg URL]
// The cost of run records: echo jobs in the sandbox at concurrency 10, records off vs on (events,
// artifacts and manifest written in one batched call, manifest signed); storage per run; replay
// time vs the live run. Once per database: the embedded one (PGlite, one connection) and a
// throwaway PostgreSQL (startBenchServer) unless --pg names one. Short and bounded: N runs a side.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateSigningKeyPair } from '@jobforge/sdk';
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
