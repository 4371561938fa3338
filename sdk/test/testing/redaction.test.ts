import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDACTED } from '../../src/index.js';
import {
  createRecordingFetch,
  createReplayFetch,
  readRecording,
  writeRecording,
} from '../../src/testing/index.js';
import { type LocalServer, startLocalServer } from './local-server.js';

// Characters that URL-encoding, form-encoding and base64 all spell differently.
const SECRET = 'sk_live/9+Zq=w@rd s3cret!';
const OTHER = 'pw-0f-another-kind';
const secrets = { API_KEY: SECRET, DB_PASSWORD: OTHER };

/** Every spelling of each secret that must not reach the disk. */
function spellings(value: string): string[] {
  const bytes = Buffer.from(value);
  return [
    value,
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
    bytes.toString('base64'),
    bytes.toString('base64url'),
    Buffer.from(`user:${value}`).toString('base64'),
  ];
}

let server: LocalServer;
let dir: string;

beforeAll(async () => {
  // The service echoes the key in a response body and sets a session cookie holding it.
  server = await startLocalServer((req, res) => {
    res.writeHead(200, {
      'content-type': 'application/json',
      'set-cookie': [`session=${encodeURIComponent(SECRET)}; HttpOnly`, 'theme=dark'],
      'x-echo-key': Buffer.from(SECRET).toString('base64'),
    });
    res.end(
      JSON.stringify({
        received: req.method,
        token: 'tok_issued_by_server',
        note: `your key is ${SECRET}`,
        nested: { blob: Buffer.from(`user:${SECRET}`).toString('base64') },
      }),
    );
  });
  dir = await mkdtemp(join(tmpdir(), 'jobforge-redact-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** Sends the secrets in every place the issue lists. */
async function leakEverywhere(f: typeof fetch) {
  const query = new URLSearchParams({ q: SECRET, api_key: 'plain-value', page: '1' });
  await f(`${server.origin}/v1/${encodeURIComponent(SECRET)}/search?${query}`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`user:${SECRET}`).toString('base64')}`,
      cookie: `sid=${OTHER}; theme=dark`,
      'x-api-key': 'not-declared-but-named-like-a-key',
      'x-forwarded-note': `k=${encodeURIComponent(SECRET)}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      message: `please use ${SECRET}`,
      password: 'named-like-a-secret',
      encoded: Buffer.from(SECRET).toString('base64url'),
      list: [{ deep: encodeURIComponent(OTHER) }],
      [SECRET]: 'the secret as a key',
    }),
  });
  await f(`${server.origin}/v1/form`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_secret: 'named', comment: SECRET, pin: OTHER }),
  });
}

describe('redaction of recordings', () => {
  it('keeps no secret in any place or spelling: headers, query, path, body, base64, URL-encoded, cookies, response body', async () => {
    const recorder = createRecordingFetch(fetch, { secrets, redact: { bodyKeys: ['pin'] } });
    await leakEverywhere(recorder.fetch);
    // The server did get the real values: redaction touches only what is kept.
    expect(server.seen[0]?.headers.authorization).toContain(
      Buffer.from(`user:${SECRET}`).toString('base64'),
    );
    const file = join(dir, 'leaky.recording.json');
    await writeRecording(file, recorder.recording());

    const onDisk = await readFile(file, 'utf8');
    for (const value of [SECRET, OTHER])
      for (const spelling of spellings(value)) expect(onDisk).not.toContain(spelling);
    for (const named of [
      'plain-value',
      'not-declared-but-named-like-a-key',
      'named-like-a-secret',
      'tok_issued_by_server',
    ])
      expect(onDisk).not.toContain(named);
    // Nothing else landed in the folder (no temporary file left behind).
    expect(await readdir(dir)).toEqual(['leaky.recording.json']);

    const [first, form] = (await readRecording(file)).exchanges;
    expect(first?.request.headers.authorization).toBe(REDACTED);
    expect(first?.request.headers.cookie).toBe(REDACTED);
    expect(first?.request.headers['x-api-key']).toBe(REDACTED);
    expect(first?.request.url).toContain(
      `/v1/${REDACTED}/search?q=${REDACTED}&api_key=${REDACTED}&page=1`,
    );
    expect(first?.request.body).toEqual({
      json: {
        message: `please use ${REDACTED}`,
        password: REDACTED,
        encoded: REDACTED,
        list: [{ deep: REDACTED }],
        [REDACTED]: 'the secret as a key',
      },
    });
    expect(first?.response.headers['set-cookie']).toBe(REDACTED);
    expect(first?.response.body).toMatchObject({
      json: { token: REDACTED, note: `your key is ${REDACTED}`, nested: { blob: REDACTED } },
    });
    expect(form?.request.body).toEqual({
      text: `client_secret=${REDACTED}&comment=${REDACTED}&pin=${REDACTED}`,
    });
  });

  it('replays the redacted recording for a connector that runs with placeholder secrets', async () => {
    const recorder = createRecordingFetch(fetch, { secrets });
    const call = (f: typeof fetch, key: string) =>
      f(`${server.origin}/v1/me?key=${encodeURIComponent(key)}`, {
        headers: { authorization: `Bearer ${key}` },
      });
    await call(recorder.fetch, SECRET);
    const placeholder = { API_KEY: 'placeholder-api-key', DB_PASSWORD: 'placeholder-db' };
    const replayer = createReplayFetch(recorder.recording(), { secrets: placeholder });
    const response = await call(replayer.fetch, placeholder.API_KEY);
    expect(response.status).toBe(200);
    expect(replayer.failures).toEqual([]);
  });
});
