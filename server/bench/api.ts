// npm run bench:api — the HTTP API's cost over the in-process client: enqueue over HTTP with
// keep-alive at concurrency 1, 10 and 50 (autocannon in a child process) against the queue
// client's own enqueue at the same concurrency; the health endpoint; an MCP tool call over a
// direct runtime.run of the same connector. Short and bounded: --seconds per measurement (default 3).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createPgDriver, createQueueClient, migrate, readMigrations } from '@jobforge/queue';
import { createRuntime } from '@jobforge/runtime';
import { generateSigningKeyPair } from '@jobforge/sdk';
import {
  createApiKey,
  createApp,
  createPgSessions,
  folderCatalog,
  listen,
  mountMcp,
} from '@jobforge/server';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startBenchServer } from '../../scripts/bench/queue-server.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    calls: { type: 'string', default: '40' },
    rounds: { type: 'string', default: '5' },
    requests: { type: 'string', default: '300' },
    /** Only the timed c=1 row (the goal's), no autocannon rows, health or MCP. */
    quick: { type: 'boolean', default: false },
  },
});
const seconds = Number(args.seconds);
const TENANT = '0e0e0e0e-0000-4000-8000-00000000000e';

const pg = await startBenchServer('auto');
const driver = createPgDriver({ connectionString: pg.url, max: 60 });
try {
  await migrate(driver);
  const sessions = createPgSessions({ connectionString: pg.url, max: 60 });
  const { key } = await createApiKey(driver, { tenantId: TENANT, name: 'bench' });
  const pair = generateSigningKeyPair();
  const runtime = await createRuntime({ signingKey: pair.privateKeyPem, pool: { maxChildren: 1 } });
  const connectors = await folderCatalog(join(root, 'connectors'));
  const unlimited = { perSecond: 1e9, burst: 1e9 };
  const app = createApp({
    sessions,
    expectedMigrations: (await readMigrations()).length,
    version: 'bench',
    rateLimit: unlimited,
    healthRateLimit: unlimited,
    keyCacheMs: 60_000,
    extend: (api, { requireKey }) =>
      mountMcp(api, { connectors, runtime, version: 'bench', sessions, requireKey }),
  });
  const server = await listen(app);
  const queue = createQueueClient(driver, { tenantId: TENANT });
  const body = JSON.stringify({ type: 'bench.api', payload: { to: 'a@example.test', n: 1 } });

  const rows: string[] = [];
  // c=1, the goal's row: in-process and HTTP alternate in rounds (so a change in the machine's load
  // hits both), HTTP timed per request by a keep-alive client in a child process.
  const rounds = Number(args.rounds);
  const directMs1: number[] = [];
  const httpMs1: number[] = [];
  // The API's own cost without a socket: the same request through Hono's app.request.
  const appMs1: number[] = [];
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  for (let round = 0; round < rounds; round++) {
    directMs1.push(
      ...(await inProcessTimes(() => queue.enqueue('bench.api', { to: 'a@example.test', n: 1 }))),
    );
    appMs1.push(
      ...(await inProcessTimes(async () => {
        const res = await app.request('/v1/jobs', { method: 'POST', body, headers });
        if (res.status !== 201) throw new Error(`app.request answered ${res.status}`);
        await res.text();
      })),
    );
    httpMs1.push(...(await timedClient(`${server.url}/v1/jobs`, key, body, Number(args.requests))));
  }
  const [h50, d50] = [quantile(httpMs1, 0.5), quantile(directMs1, 0.5)];
  const a50 = quantile(appMs1, 0.5);
  rows.push(
    `| enqueue c=1, API without a socket (app.request) | ${fmt(1000 / mean(appMs1))} | ${a50.toFixed(2)} | ${quantile(appMs1, 0.99).toFixed(2)} | ${fmt(1000 / mean(directMs1))} | ${d50.toFixed(2)} | ${quantile(directMs1, 0.99).toFixed(2)} | ${(mean(directMs1) / mean(appMs1)).toFixed(2)} | ${(a50 - d50).toFixed(2)} |`,
  );
  rows.push(
    `| enqueue c=1 (timed, ${rounds} alternating rounds) | ${fmt(1000 / mean(httpMs1))} | ${h50.toFixed(2)} | ${quantile(httpMs1, 0.99).toFixed(2)} | ${fmt(1000 / mean(directMs1))} | ${d50.toFixed(2)} | ${quantile(directMs1, 0.99).toFixed(2)} | ${(mean(directMs1) / mean(httpMs1)).toFixed(2)} | ${(h50 - d50).toFixed(2)} |`,
  );
  for (const concurrency of args.quick ? [] : [1, 10, 50]) {
    const direct = await inProcess(concurrency, () =>
      queue.enqueue('bench.api', { to: 'a@example.test', n: 1 }),
    );
    const http = await autocannon([
      '-d',
      String(seconds),
      '-c',
      String(concurrency),
      '-m',
      'POST',
      '--json',
      '-H',
      `authorization=Bearer ${key}`,
      '-H',
      'content-type=application/json',
      '-b',
      body,
      `${server.url}/v1/jobs`,
    ]);
    const failed = http.non2xx + http.errors;
    rows.push(
      `| enqueue c=${concurrency} | ${fmt(http.requests.average)} | ${http.latency.p50} | ${http.latency.p99} | ${fmt(direct.rps)} | ${direct.p50.toFixed(2)} | ${direct.p99.toFixed(2)} | ${(http.requests.average / direct.rps).toFixed(2)} | ${(http.latency.p50 - direct.p50).toFixed(2)} |${failed ? ` ${failed} failed` : ''}`,
    );
  }
  if (args.quick) {
    printTable(rows);
    await server.close(1000);
    await runtime.close();
    await sessions.close();
    process.exit(0);
  }
  const health = await autocannon([
    '-d',
    String(seconds),
    '-c',
    '10',
    '--json',
    `${server.url}/api/health`,
  ]);
  rows.push(
    `| health c=10 | ${fmt(health.requests.average)} | ${health.latency.p50} | ${health.latency.p99} | — | — | — | — | — |`,
  );

  // MCP: the same echo call through /mcp (Streamable HTTP, stateless) and through runtime.run.
  const calls = Number(args.calls);
  const mcp = new Client({ name: 'bench', version: '1' });
  await mcp.connect(
    new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${key}` } },
    }),
  );
  const echo = connectors.find((t) => t.name === 'echo__echo_say')!;
  const ref = await echo.load();
  const directMs: number[] = [];
  const mcpMs: number[] = [];
  for (let i = 0; i < calls + 5; i++) {
    const t0 = performance.now();
    await runtime.run(
      ref,
      { operation: 'echo.say', payload: { message: `hi ${i}` } },
      { tenant_id: TENANT },
    );
    const t1 = performance.now();
    await mcp.callTool({ name: 'echo__echo_say', arguments: { message: `hi ${i}` } });
    const t2 = performance.now();
    if (i >= 5) {
      directMs.push(t1 - t0);
      mcpMs.push(t2 - t1);
    }
  }
  await mcp.close();
  const d = quantile(directMs, 0.5);
  const m = quantile(mcpMs, 0.5);

  printTable(rows);
  console.log(
    `\nMCP tool call (echo, ${calls} calls, sequential): runtime.run p50 ${d.toFixed(2)} ms · MCP over /mcp p50 ${m.toFixed(2)} ms · overhead ${(m - d).toFixed(2)} ms p50`,
  );
  console.log('Goal: the API adds at most 1 ms p50 to an enqueue (the "added p50 ms" column).');

  await server.close(1000);
  await runtime.close();
  await sessions.close();
} finally {
  await driver.close();
  await pg.stop();
}

function printTable(rows: string[]) {
  console.log(
    `\nAPI benchmark (${pg.description}; ${seconds} s per autocannon row; keep-alive; HTTP clients in a child process)\n`,
  );
  console.log(
    '| measurement | HTTP req/s | HTTP p50 ms | HTTP p99 ms | in-process req/s | in-process p50 ms | in-process p99 ms | HTTP/in-process throughput | added p50 ms |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
}

async function inProcessTimes(op: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < Number(args.requests); i++) {
    const t0 = performance.now();
    await op();
    times.push(performance.now() - t0);
  }
  return times;
}

function timedClient(url: string, apiKey: string, json: string, count: number): Promise<number[]> {
  const script = join(root, 'server/bench/timed-client.mjs');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [script, url, apiKey, json, String(count)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`timed client exited ${code}`));
      // The first requests open the connection and warm both sides up.
      resolvePromise((JSON.parse(out) as number[]).slice(20));
    });
  });
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

async function inProcess(concurrency: number, op: () => Promise<unknown>) {
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        await op();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return {
    rps: latencies.length / elapsed,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
  };
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}

function autocannon(cliArgs: string[]): Promise<AutocannonResult> {
  const bin = createRequire(join(root, 'server/package.json')).resolve('autocannon/autocannon.js');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [bin, ...cliArgs], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', () => {
      try {
        resolvePromise(JSON.parse(out) as AutocannonResult);
      } catch {
        reject(new Error(`autocannon printed no JSON: ${out.slice(0, 300)}`));
      }
    });
  });
}
