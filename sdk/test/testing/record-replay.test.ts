import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConnectorFn,
  defineConnector,
  isJobForgeError,
  runConnector,
} from '../../src/index.js';
import {
  createRecordingFetch,
  createReplayFetch,
  formatRecording,
  type MatchOptions,
  type Recording,
  readRecording,
  writeRecording,
} from '../../src/testing/index.js';
import { type LocalServer, sendJson, startLocalServer } from './local-server.js';

/** A small connector that does real HTTP through context.fetch, as reference connectors do. */
const items = defineConnector<Payload, { names: string[] }>(async ({ input, context }) => {
  const url = new URL('/v1/items', input.payload.base);
  url.searchParams.set('page', String(input.payload.page));
  url.searchParams.set('limit', '2');
  const response = await context.fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-nonce': crypto.randomUUID() },
    body: JSON.stringify({ filter: 'active', sent_at: new Date().toISOString() }),
    signal: context.signal,
  });
  if (!response.ok)
    return {
      ok: false,
      error: {
        code: 'UPSTREAM',
        message: String(response.status),
        retryable: response.status >= 500,
      },
    };
  const body = (await response.json()) as { items: { name: string }[] };
  return { ok: true, data: { names: body.items.map((item) => item.name) } };
});

const match: MatchOptions = { ignoreHeaders: ['x-nonce'], ignoreBodyPaths: ['sent_at'] };

let server: LocalServer;
let dir: string;

beforeAll(async () => {
  server = await startLocalServer((req, res) => {
    if (req.url.startsWith('/v1/items'))
      sendJson(res, 200, { items: [{ name: 'alpha' }, { name: 'beta' }] }, { 'x-trace': 't1' });
    else sendJson(res, 404, { error: 'not found' });
  });
  dir = await mkdtemp(join(tmpdir(), 'jobforge-replay-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

type Payload = { base: string; page: number };

async function record(fn: ConnectorFn<Payload>, payload: Payload): Promise<Recording> {
  const recorder = createRecordingFetch(fetch, { label: 'case "items"' });
  const result = await runConnector(fn, {
    input: { operation: 'items.list', payload },
    context: { fetch: recorder.fetch },
  });
  expect(result.ok).toBe(true);
  return recorder.recording();
}

/** Replays with every route to the network cut: global fetch throws and the server is not asked. */
async function replay(
  fn: ConnectorFn<Payload>,
  recording: Recording,
  payload: Payload,
  options = {},
) {
  const before = server.seen.length;
  const realFetch = globalThis.fetch;
  globalThis.fetch = (() => {
    throw new Error('the network was used during replay');
  }) as typeof fetch;
  try {
    const replayer = createReplayFetch(recording, { label: 'case "items"', match, ...options });
    const result = await runConnector(fn, {
      input: { operation: 'items.list', payload },
      context: { fetch: replayer.fetch },
      config: { retry_policy: { max_retries: 0 } },
    });
    expect(server.seen.length).toBe(before);
    return { result, replayer };
  } finally {
    globalThis.fetch = realFetch;
  }
}

describe('record and replay through context.fetch', () => {
  it('records each exchange once, and replays it with no network at all', async () => {
    const payload = { base: server.origin, page: 1 };
    const recording = await record(items, payload);
    expect(recording.exchanges).toHaveLength(1);
    const [exchange] = recording.exchanges;
    expect(exchange?.request).toMatchObject({
      method: 'POST',
      url: `${server.origin}/v1/items?page=1&limit=2`,
      body: { json: { filter: 'active' } },
    });
    expect(exchange?.response).toMatchObject({
      status: 200,
      headers: { 'content-type': 'application/json', 'x-trace': 't1' },
      body: { json: { items: [{ name: 'alpha' }, { name: 'beta' }] } },
    });
    // Headers are kept as the connector saw them, but for content-encoding (the body is stored decoded).
    expect(exchange?.response.headers).toHaveProperty('date');
    expect(exchange?.response.headers).not.toHaveProperty('content-encoding');

    const file = join(dir, 'items.recording.json');
    await writeRecording(file, recording);
    const { result, replayer } = await replay(items, await readRecording(file), payload);
    expect(result).toMatchObject({ ok: true, data: { names: ['alpha', 'beta'] } });
    expect(replayer.failures).toEqual([]);
    expect(replayer.unused()).toEqual([]);
  });

  it('writes deterministic, readable JSON: canonical key order, $schema first, same bytes each time', async () => {
    const recording = await record(items, { base: server.origin, page: 1 });
    const file = join(dir, 'nested', 'det.recording.json');
    await writeRecording(file, recording);
    const first = await readFile(file, 'utf8');
    await writeRecording(file, await readRecording(file));
    expect(await readFile(file, 'utf8')).toBe(first);
    expect(first.split('\n')[1]).toMatch(
      /^ {2}"\$schema": "(\.\.\/)+.*sdk\/schema\/recording\.schema\.json",$/,
    );
    expect(first).toContain('\n      "request": {\n        "body": {');
    // Keys of a reordered recording come out in the same order.
    const reordered = JSON.parse(first, (_k, v) =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).reverse())
        : v,
    ) as Recording;
    expect(formatRecording(reordered, file)).toBe(first);
  });

  it('matches a query in any order, and ignores configured headers and body paths', async () => {
    const recording = await record(items, { base: server.origin, page: 3 });
    const request = recording.exchanges[0]!.request;
    request.url = request.url.replace('page=3&limit=2', 'limit=2&page=3');
    const { result, replayer } = await replay(items, recording, { base: server.origin, page: 3 });
    expect(replayer.failures).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('without the ignore options, a nonce header and a timestamp field fail the match', async () => {
    const recording = await record(items, { base: server.origin, page: 1 });
    const { replayer } = await replay(
      items,
      recording,
      { base: server.origin, page: 1 },
      { match: {} },
    );
    const message = replayer.failures[0]?.message ?? '';
    expect(message).toContain('headers.x-nonce:');
    expect(message).toContain('body.sent_at:');
  });

  it('keeps a compressed body decoded, without the content-encoding that would lie on replay', async () => {
    const zipped = await startLocalServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync(JSON.stringify({ items: [{ name: 'zipped' }] })));
    });
    try {
      const recorder = createRecordingFetch(fetch);
      const live = await recorder.fetch(`${zipped.origin}/v1/z`);
      expect(await live.json()).toEqual({ items: [{ name: 'zipped' }] });
      const recording = recorder.recording();
      expect(recording.exchanges[0]?.response.body).toEqual({
        json: { items: [{ name: 'zipped' }] },
      });
      expect(recording.exchanges[0]?.response.headers).not.toHaveProperty('content-encoding');
      const replayed = await createReplayFetch(recording).fetch(`${zipped.origin}/v1/z`);
      expect(await replayed.json()).toEqual({ items: [{ name: 'zipped' }] });
    } finally {
      await zipped.close();
    }
  });

  it('answers repeated requests in recorded order, and refuses one more than was recorded', async () => {
    let calls = 0;
    const flaky = await startLocalServer((_req, res) => {
      calls++;
      if (calls === 1) sendJson(res, 503, { error: 'busy' }, { 'retry-after': '0' });
      else sendJson(res, 200, { items: [{ name: 'ok' }] });
    });
    try {
      const recorder = createRecordingFetch(fetch);
      const payload = { base: flaky.origin, page: 1 };
      const live = await runConnector(
        items,
        { input: { operation: 'items.list', payload }, context: { fetch: recorder.fetch } },
        { sleep: async () => true },
      );
      expect(live).toMatchObject({
        ok: true,
        evidence: { predicate: { invocation: { attempts: 2 } } },
      });
      const recording = recorder.recording();
      expect(recording.exchanges.map((e) => e.response.status)).toEqual([503, 200]);

      const replayer = createReplayFetch(recording, { match });
      const replayed = await runConnector(
        items,
        { input: { operation: 'items.list', payload }, context: { fetch: replayer.fetch } },
        { sleep: async () => true },
      );
      expect(replayed).toMatchObject({ ok: true, data: { names: ['ok'] } });
      // A third identical request has nothing left to answer it.
      const third = await replayer
        .fetch(recording.exchanges[0]!.request.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ filter: 'active', sent_at: 'x' }),
        })
        .catch((error: unknown) => error);
      expect(isJobForgeError(third) && third.code).toBe('REPLAY_UNMATCHED');
      expect(String((third as Error).message)).toMatch(/more requests than were recorded/);
    } finally {
      await flaky.close();
    }
  });
});
