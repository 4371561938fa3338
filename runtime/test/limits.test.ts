import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEgressBudget, type EgressDenial, egressFetch } from '../src/egress/egress-fetch.js';
import { parseAllowList } from '../src/egress/host-allowlist.js';
import { createRuntime, type Runtime } from '../src/index.js';
import { MAX_CONCURRENT_REQUESTS } from '../src/run-attempt.js';
import { GOOD, hostKey, waitForRecycle } from './helpers.js';

const KIB = 1024;
const key = hostKey();
let server: Server;
let base: string;
let port: number;
let inFlight = 0;
let maxInFlight = 0;

beforeAll(async () => {
  // Every path answers 512 KiB after a short wait, and the server counts requests in flight.
  server = createServer((_req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    setTimeout(() => {
      res.end(Buffer.alloc(512 * KIB, 97), () => inFlight--);
    }, 60);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
afterAll(() => {
  server.close();
});

describe('egress byte budget', () => {
  it('answers RESPONSE_TOO_LARGE, with a denial, once a call passes its budget', async () => {
    const budget = createEgressBudget(2 * 1024 * KIB);
    const denials: EgressDenial[] = [];
    const policy = {
      allow: parseAllowList(['127.0.0.1']),
      allowPrivateAddresses: [`127.0.0.1:${port}`],
      maxResponseBytes: 1024 * KIB,
      maxRedirects: 0,
    };
    const codes: string[] = [];
    for (let i = 0; i < 8; i++) {
      const answer = await egressFetch(
        { url: `${base}/${i}`, method: 'GET', headers: [], body: null },
        policy,
        new AbortController().signal,
        (d) => denials.push(d),
        budget,
      );
      codes.push(answer.ok ? `ok:${Buffer.from(answer.body, 'base64').length}` : answer.code);
    }
    // 4 × 512 KiB fill the 2 MiB budget exactly; every later response is refused.
    expect(codes).toEqual([
      ...Array(4).fill(`ok:${512 * KIB}`),
      ...Array(4).fill('RESPONSE_TOO_LARGE'),
    ]);
    expect(denials).toHaveLength(4);
    expect(denials[0]).toMatchObject({ target: `127.0.0.1:${port}` });
    expect(denials[0]!.reason).toMatch(/egress budget of 2097152 bytes/);
  });

  it('counts request bodies too', async () => {
    const budget = createEgressBudget(100 * KIB);
    const answer = await egressFetch(
      {
        url: `${base}/post`,
        method: 'POST',
        headers: [],
        body: Buffer.alloc(200 * KIB).toString('base64'),
      },
      {
        allow: parseAllowList(['127.0.0.1']),
        allowPrivateAddresses: [`127.0.0.1:${port}`],
        maxResponseBytes: 1024 * KIB,
        maxRedirects: 0,
      },
      new AbortController().signal,
      () => {},
      budget,
    );
    expect(answer.ok ? 'ok' : answer.code).toBe('RESPONSE_TOO_LARGE');
  });
});

describe('sandbox limits', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await createRuntime({
      signingKey: key.privateKeyPem,
      policy: { allowPrivateAddresses: [`127.0.0.1:${port}`] },
      limits: { timeoutMs: 5000, memoryMb: 128 },
      pool: { maxChildren: 4, warm: 0 },
    });
  });
  afterAll(async () => {
    await runtime.close();
  });

  it('keeps at most a few of one call’s requests in flight, queueing the rest', async () => {
    maxInFlight = 0;
    const run = await runtime.run(GOOD('fetch-many'), { payload: { base, n: 12 } });
    expect(run).toMatchObject({ ok: true, data: Array(12).fill(512 * KIB) });
    expect(maxInFlight).toBeGreaterThan(0);
    expect(maxInFlight).toBeLessThanOrEqual(MAX_CONCURRENT_REQUESTS);
  });

  it('kills a child that grows past its memory cap while idle in the pool', async () => {
    const before = runtime.stats().pool.recycled;
    const idle = runtime.stats().pool.idle;
    const run = await runtime.run(GOOD('idle-grow'), { payload: {} }, { tenant_id: 'idle' });
    expect(run.ok).toBe(true);
    await waitForRecycle(runtime, before, 5000);
    expect(runtime.stats().pool.recycled).toBeGreaterThan(before);
    expect(runtime.stats().pool.idle).toBe(idle);
  });

  it('retires a child that sends a message while no request is outstanding', async () => {
    const before = runtime.stats().pool.recycled;
    const idle = runtime.stats().pool.idle;
    const run = await runtime.run(GOOD('idle-frame'), { payload: {} }, { tenant_id: 'frame' });
    expect(run.ok).toBe(true);
    await waitForRecycle(runtime, before, 3000);
    expect(runtime.stats().pool.recycled).toBeGreaterThan(before);
    expect(runtime.stats().pool.idle).toBe(idle);
  });
});
