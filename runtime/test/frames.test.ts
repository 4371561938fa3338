import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { boundText, verifyEvidence } from '@jobforge/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHILD_FRAMES,
  MAX_ARTIFACT_CHUNK_BASE64,
  MAX_FRAME_DEPTH,
  parseChildFrame,
} from '../src/frames/child-frames.js';
import { createRuntime, type Runtime } from '../src/index.js';
import { IDLE_CPU_LIMIT_MS } from '../src/sandbox-child.js';
import { ECHO, GOOD, hostKey, statementOf, waitForRecycle } from './helpers.js';

// One valid frame per row of CHILD_FRAMES: the table is the source of truth, so a new row without
// a sample here fails the first test.
const VALID: Record<string, unknown> = {
  ready: { t: 'ready', pid: 12 },
  loaded: { t: 'loaded', id: 0, ok: false, message: 'no default export' },
  result: {
    t: 'result',
    id: 1,
    outcome: { ok: true, data: { a: [1, 2] } },
    denials: [{ kind: 'network', target: 'x:1', reason: 'no' }],
  },
  log: { t: 'log', level: 'info', message: 'hello', fields: { n: 1 } },
  fetch: {
    t: 'fetch',
    id: 3,
    request: { url: 'https://example.test/', method: 'GET', headers: [['a', 'b']], body: null },
  },
  artifact: {
    t: 'artifact',
    id: 1,
    name: 'report.csv',
    content_type: 'text/csv',
    data: 'YSxiCg==',
    last: true,
  },
};

describe('parseChildFrame', () => {
  it('has a valid sample for every frame type, and accepts it', () => {
    expect(Object.keys(VALID).sort()).toEqual(Object.keys(CHILD_FRAMES).sort());
    for (const frame of Object.values(VALID))
      expect(parseChildFrame(JSON.stringify(frame))).toMatchObject({ ok: true, frame });
  });

  const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
  it.each([
    ['not JSON', '{"t":'],
    ['not an object', '[1]'],
    ['an unknown type', '{"t":"shell"}'],
    ['a type that is an object', '{"t":{"toString":1}}'],
    ['a prototype key as type', '{"t":"__proto__"}'],
    ['a type nested past the cap', `{"t":${deep(MAX_FRAME_DEPTH + 1)}}`],
    ['a deep value 100,000 levels down', `{"t":"log","level":${deep(100_000)},"message":"x"}`],
    ['an unknown field', '{"t":"ready","pid":1,"extra":1}'],
    ['a level outside the list', '{"t":"log","level":"fatal","message":"x"}'],
    [
      'a log line past the child cut',
      JSON.stringify({ t: 'log', level: 'info', message: 'x'.repeat(2001) }),
    ],
    [
      'log fields past 4 KiB',
      JSON.stringify({ t: 'log', level: 'info', message: '', fields: 'x'.repeat(5000) }),
    ],
    ['an id that is a string', '{"t":"loaded","id":"0","ok":true}'],
    ['a negative id', '{"t":"loaded","id":-1,"ok":true}'],
    [
      'an error message that is an array',
      '{"t":"result","id":1,"error":{"code":"X","message":[1]},"denials":[]}',
    ],
    [
      '51 denials',
      JSON.stringify({
        t: 'result',
        id: 1,
        denials: Array(51).fill({ kind: 'a', target: 'b', reason: 'c' }),
      }),
    ],
    [
      'an artifact chunk past 192 KiB',
      JSON.stringify({
        t: 'artifact',
        id: 1,
        name: 'a',
        content_type: 'text/plain',
        data: 'A'.repeat(MAX_ARTIFACT_CHUNK_BASE64 + 4),
        last: false,
      }),
    ],
    [
      'an artifact chunk without last',
      '{"t":"artifact","id":1,"name":"a","content_type":"text/plain","data":""}',
    ],
    [
      'a header that is not a pair',
      JSON.stringify({
        t: 'fetch',
        id: 1,
        request: { url: 'u', method: 'GET', headers: [['a']], body: null },
      }),
    ],
  ])('refuses %s without quoting it', (_what, text) => {
    const parsed = parseChildFrame(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason.length).toBeLessThan(200);
  });
});

describe('frames on a real sandbox', () => {
  const key = hostKey();
  let runtime: Runtime;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((_req, res) => res.end(Buffer.alloc(2 * 1024 * 1024, 97)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
    runtime = await createRuntime({
      signingKey: key.privateKeyPem,
      policy: { allowPrivateAddresses: [`127.0.0.1:${port}`] },
      limits: { timeoutMs: 15_000, memoryMb: 128 },
      pool: { maxChildren: 4, warm: 1 },
    });
  });
  afterAll(async () => {
    await runtime.close();
    server.close();
  });

  it('survives a deeply nested frame from an idle child, and retires that child', async () => {
    const before = runtime.stats().pool.recycled;
    const run = await runtime.run(GOOD('idle-deep-frame'), { payload: {} }, { tenant_id: 'deep' });
    expect(run.ok).toBe(true);
    await waitForRecycle(runtime, before, 5000);
    expect(runtime.stats().pool.recycled).toBeGreaterThan(before);
    const next = await runtime.run(ECHO, { payload: { message: 'alive' } });
    expect(next.ok ? 'ok' : next.error).toBe('ok');
  });

  it('ends a child that runs code while idle in the pool, by the CPU the host measured', async () => {
    const before = runtime.stats().pool.recycled;
    const run = await runtime.run(GOOD('idle-spin'), { payload: {} }, { tenant_id: 'spin' });
    expect(run.ok).toBe(true);
    await waitForRecycle(runtime, before, 5000);
    expect(runtime.stats().pool.recycled).toBeGreaterThan(before);
    expect(runtime.stats().pool.idleCpuMs).toBeGreaterThan(IDLE_CPU_LIMIT_MS);
  });

  it('counts answers a child never reads against the call budget', async () => {
    const rssBefore = process.memoryUsage().rss;
    const run = await runtime.run(
      GOOD('fetch-unread'),
      { payload: { base, n: 100, blockMs: 8000 } },
      { tenant_id: 'unread' },
    );
    const grown = process.memoryUsage().rss - rssBefore;
    expect(verifyEvidence(run.evidence, key.publicKeyPem).ok).toBe(true);
    const { denials } = statementOf(run.evidence).predicate;
    // 100 answers of 2 MiB would hold ~700 MB in the host (raw, base64, frame); the 128 MB budget stops them.
    expect(denials.map((d) => d.reason).join('\n')).toMatch(/egress budget/);
    expect(grown).toBeLessThan(300 * 1024 * 1024);
  });

  it('signs evidence for every generated hostile string in every field it copies', async () => {
    const codes = new Map<string, number>();
    for (let seed = 1; seed <= 60; seed++) {
      const run = await runtime.run(
        GOOD('fuzz-frames'),
        { payload: { seed } },
        { tenant_id: `fuzz-${seed % 3}`, timeoutMs: 5000 },
      );
      const verified = verifyEvidence(run.evidence, key.publicKeyPem);
      expect(verified.ok, `seed ${seed}`).toBe(true);
      const code = run.ok ? 'ok' : run.error.code;
      codes.set(code, (codes.get(code) ?? 0) + 1);
      if (!run.ok) expect(boundText(run.error.message, 1e6)).toBe(run.error.message);
    }
    // Every way of delivering the strings was taken, and the host decided each ending.
    expect(codes.has('SANDBOX_VIOLATION') || codes.has('UPSTREAM')).toBe(true);
    const next = await runtime.run(ECHO, { payload: { message: 'alive' } });
    expect(next.ok ? 'ok' : next.error).toBe('ok');
  }, 240_000);
});
