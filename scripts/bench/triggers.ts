// npm run bench:triggers [-- --pg URL --triggers 1000 --events 1000 --seconds 8]
// Cron fire lag (enqueue time minus slot time) for many triggers due in the same second and for one
// trigger firing every second; event -> job latency and events ingested per second, one by one and
// in bulk, against enqueue of the same payloads. pg-boss's figure is its documented 30 s schedule
// check interval (a slot waits up to that long); JobForge's scheduler wakes at the next slot.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import {
  addTrigger,
  createPgDriver,
  createQueueClient,
  migrate,
  runScheduler,
  submitEvent,
  submitEvents,
} from '../../queue/src/index.js';
import { type BenchServer, startBenchServer } from './queue-server.js';

const { values: args } = parseArgs({
  options: {
    pg: { type: 'string', default: process.env.BENCH_PG },
    triggers: { type: 'string', default: '1000' },
    events: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '8' },
  },
});
process.env.JOBFORGE_EVENTS_ENABLED = '1';
process.env.JOBFORGE_TRIGGERS_ENABLED = '1';

const pct = (list: number[], p: number) => {
  const sorted = [...list].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
  );
};
const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;

let server: BenchServer | undefined;
let url = args.pg;
if (!url) {
  server = await startBenchServer('auto');
  url = server.url;
  process.stderr.write(`bench:triggers: started ${server.description}\n`);
}
const driver = createPgDriver({ connectionString: url, max: 10 });
const rows: string[][] = [];
try {
  await migrate(driver);

  // Every trigger is "* * * * * *"; once all exist, each one's stored next fire time is set to one
  // shared slot two seconds ahead (a slot of its spec), so creating them cannot overrun the slot.
  async function cronLag(count: number, runMs: number, firstSlotOnly: boolean) {
    const tenantId = randomUUID();
    for (let i = 0; i < count; i++) {
      await addTrigger(
        driver,
        {
          name: `bench-${i}`,
          cron: '* * * * * *',
          timezone: 'UTC',
          jobType: 'bench.cron',
          maxInstances: 1000,
        },
        { tenantId },
      );
    }
    const at = new Date(Math.ceil((Date.now() + 2000) / 1000) * 1000);
    await driver.query(
      'update jobforge.jobforge_triggers set next_fire_at = $2 where tenant_id = $1',
      [tenantId, at.toISOString()],
    );
    const controller = new AbortController();
    const done = runScheduler({ driver, signal: controller.signal, holder: `bench-${tenantId}` });
    await new Promise((r) => setTimeout(r, at.getTime() - Date.now() + runMs));
    controller.abort();
    await done;
    await driver.query(
      `update jobforge.jobforge_triggers set state = 'disabled' where tenant_id = $1`,
      [tenantId],
    );
    // created_at of a 'fired' row is the clock when the job row was written.
    const lags = (
      await driver.query<{ lag: number }>(
        `select extract(epoch from h.created_at - h.slot_at) * 1000 as lag
         from jobforge.jobforge_trigger_history h
         where h.tenant_id = $1 and h.outcome = 'fired' and ($2::timestamptz is null or h.slot_at = $2)`,
        [tenantId, firstSlotOnly ? at.toISOString() : null],
      )
    ).map((r) => Number(r.lag));
    return lags;
  }

  const many = Number(args.triggers);
  const burst = await cronLag(many, 3000, true);
  rows.push([
    `fire lag, ${many} cron triggers due in one second (${burst.length} fired)`,
    ms(pct(burst, 50)),
    ms(pct(burst, 99)),
    ms(Math.max(...burst)),
    'pg-boss: checks every 30 s',
  ]);
  const one = await cronLag(1, Number(args.seconds) * 1000, false);
  rows.push([
    `fire lag, 1 trigger every second (${one.length} slots)`,
    ms(pct(one, 50)),
    ms(pct(one, 99)),
    ms(Math.max(...one)),
    'pg-boss: up to 30 000 ms',
  ]);

  // Events: one event trigger matches every event; the job is enqueued in the event's transaction,
  // so the event -> job latency is the submit's round trip.
  const n = Number(args.events);
  const tenantId = randomUUID();
  await addTrigger(
    driver,
    {
      name: 'bench-events',
      event: 'bench.*',
      jobType: 'bench.event',
      payload: { n: { $from: 'data.n' } },
    },
    { tenantId },
  );
  const payload = (i: number) => ({ n: i, note: 'x'.repeat(100) });
  const timeOne = async (fn: (i: number) => Promise<unknown>) => {
    const times: number[] = [];
    const start = performance.now();
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await fn(i);
      times.push(performance.now() - t);
    }
    return { times, perSecond: n / ((performance.now() - start) / 1000) };
  };
  const ev = await timeOne((i) =>
    submitEvent(
      driver,
      { id: `e${i}`, source: 'bench', type: 'bench.item', data: payload(i) },
      { tenantId },
    ),
  );
  const queue = createQueueClient(driver, { tenantId: randomUUID() });
  const jobs = await timeOne((i) => queue.enqueue('bench.plain', payload(i)));
  const jobCount = await driver.query<{ n: number }>(
    `select count(*)::int as n from jobforge.jobforge_jobs where tenant_id = $1 and type = 'bench.event'`,
    [tenantId],
  );
  rows.push([
    `event -> job enqueued, one by one (${jobCount[0]!.n} jobs)`,
    ms(pct(ev.times, 50)),
    ms(pct(ev.times, 99)),
    ms(Math.max(...ev.times)),
    `enqueue alone: p50 ${ms(pct(jobs.times, 50))}, p99 ${ms(pct(jobs.times, 99))}`,
  ]);
  rows.push([
    `events ingested one by one`,
    `${ev.perSecond.toFixed(0)}/s`,
    '',
    '',
    `enqueue: ${jobs.perSecond.toFixed(0)}/s (ratio ${(ev.perSecond / jobs.perSecond).toFixed(2)})`,
  ]);
  const batch = 100;
  const bulkStart = performance.now();
  for (let b = 0; b < n / batch; b++) {
    await submitEvents(
      driver,
      Array.from({ length: batch }, (_, i) => ({
        id: `b${b}-${i}`,
        source: 'bench-bulk',
        type: 'bench.item',
        data: payload(i),
      })),
      { tenantId },
    );
  }
  const bulkRate = n / ((performance.now() - bulkStart) / 1000);
  const enqStart = performance.now();
  for (let b = 0; b < n / batch; b++) {
    await queue.enqueueMany(
      Array.from({ length: batch }, (_, i) => ({ type: 'bench.plain', payload: payload(i) })),
    );
  }
  const enqRate = n / ((performance.now() - enqStart) / 1000);
  rows.push([
    `events ingested in bulk (${batch} per statement, each fires its trigger)`,
    `${bulkRate.toFixed(0)}/s`,
    '',
    '',
    `enqueueMany: ${enqRate.toFixed(0)}/s (ratio ${(bulkRate / enqRate).toFixed(2)})`,
  ]);
} finally {
  await driver.close();
  await server?.stop();
}

console.log('| measurement | p50 | p99 | max | anchor / comparison |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
