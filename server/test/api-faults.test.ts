// biome-ignore-all lint/suspicious/noExplicitAny: the tests read response bodies loosely and assert their shape
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { startTcpProxy } from '../../queue/test/tcp-proxy.js';
import { createApp } from '../src/create-app.js';
import { listen } from '../src/start-server.js';
import { startTestServer } from './helpers.js';

describe('one key sending 10,000 requests in a burst', () => {
  it('gets 429s with Retry-After and RateLimit headers while another key is served normally', async () => {
    const t = await startTestServer({
      rateLimit: { perSecond: 100, burst: 200 },
      keyCacheMs: 5000,
    });
    const total = 10_000;
    // The flood comes from autocannon in a child process, as a real client would send it.
    const started = performance.now();
    const flood = runAutocannon([
      '-a',
      String(total),
      '-c',
      '32',
      '--json',
      '-H',
      `authorization=Bearer ${t.keyA}`,
      `${t.url}/v1/jobs?limit=1`,
    ]);
    // Meanwhile, the other tenant's key: every request must succeed, each within a bound.
    const other: number[] = [];
    const otherStatuses: number[] = [];
    let flooding = true;
    void flood.finally(() => {
      flooding = false;
    });
    // Let the flood start before probing.
    await new Promise((resolve) => setTimeout(resolve, 300));
    while (flooding) {
      const t0 = performance.now();
      const r = await fetch(`${t.url}/v1/jobs?limit=1`, {
        headers: { authorization: `Bearer ${t.keyB}` },
      });
      await r.arrayBuffer();
      other.push(performance.now() - t0);
      otherStatuses.push(r.status);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const result = await flood;
    const seconds = (performance.now() - started) / 1000;
    const limited = result.statusCodeStats['429']?.count ?? 0;
    const allowed = result.statusCodeStats['200']?.count ?? 0;
    expect({ limited, allowed, errors: result.errors, timeouts: result.timeouts }).toMatchObject({
      errors: 0,
      timeouts: 0,
    });
    expect(limited + allowed).toBe(total);
    // At most the burst plus what refilled while the flood ran got through.
    expect(allowed).toBeLessThanOrEqual(200 + Math.ceil(seconds * 100) + 1);
    expect(limited).toBeGreaterThan(total / 2);
    const sample = await fetch(`${t.url}/v1/jobs?limit=1`, {
      headers: { authorization: `Bearer ${t.keyA}` },
    });
    if (sample.status === 429) {
      expect(Number(sample.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(sample.headers.get('ratelimit-remaining')).toBe('0');
      expect(((await sample.json()) as any).code).toBe('RATE_LIMITED');
    }
    expect(otherStatuses.length).toBeGreaterThan(0);
    expect(otherStatuses.every((s) => s === 200)).toBe(true);
    const sorted = [...other].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    // Bounds loose enough for a loaded CI machine, tight enough to catch a server that stalls.
    expect(median).toBeLessThan(1000);
    expect(sorted[sorted.length - 1]!).toBeLessThan(5000);
    console.log(
      `10,000 requests in ${seconds.toFixed(2)} s: ${allowed} allowed, ${limited} limited; other key: ${other.length} requests, median ${median.toFixed(1)} ms, slowest ${sorted[sorted.length - 1]!.toFixed(1)} ms`,
    );
  }, 60_000);
});

describe('the database going away', () => {
  it('health answers 503, requests fail fast with a code, and both recover without a restart', async () => {
    const base = await startTestServer();
    const target = new URL(base.db.url);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
    afterAll(() => proxy.close());
    const viaProxy = new URL(base.db.url);
    viaProxy.port = String(proxy.port);
    const t = await startTestServer({ databaseUrl: viaProxy.toString() });
    const list = () =>
      fetch(`${t.url}/v1/jobs`, { headers: { authorization: `Bearer ${base.keyA}` } });
    // Keys were made in the database behind the proxy, so the base server's key works here too.
    expect((await list()).status).toBe(200);

    await proxy.cut();
    const health = await fetch(`${t.url}/api/health`);
    expect(health.status).toBe(503);
    expect(((await health.json()) as any).database.reachable).toBe(false);
    const t0 = performance.now();
    const failed = await list();
    expect(failed.status).toBe(503);
    expect(((await failed.json()) as any).code).toBe('DATABASE_UNREACHABLE');
    expect(performance.now() - t0).toBeLessThan(5000);

    await proxy.restore();
    await expect
      .poll(async () => (await fetch(`${t.url}/api/health`)).status, { timeout: 10_000 })
      .toBe(200);
    expect((await list()).status).toBe(200);
  }, 60_000);
});

describe('graceful shutdown', () => {
  it('finishes the request in flight, then stops accepting', async () => {
    const t = await startTestServer();
    const app = createApp({
      sessions: t.sessions,
      expectedMigrations: 1,
      version: 'test',
      extend: (a) => {
        a.get('/slow', async (c) => {
          await new Promise((resolve) => setTimeout(resolve, 400));
          return c.json({ done: true });
        });
      },
    });
    const server = await listen(app);
    afterAll(() => server.close(0));
    const inFlight = fetch(`${server.url}/slow`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closed = server.close(5000);
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ done: true });
    await closed;
    await expect(fetch(`${server.url}/api/health`)).rejects.toThrow();
  });
});

/** Runs the autocannon CLI in a child process and resolves to its JSON result. */
function runAutocannon(args: string[]): Promise<{
  statusCodeStats: Record<string, { count: number }>;
  errors: number;
  timeouts: number;
}> {
  const bin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      try {
        resolve(JSON.parse(out));
      } catch {
        reject(new Error(`autocannon exited with ${code} and printed: ${out.slice(0, 500)}`));
      }
    });
  });
}
