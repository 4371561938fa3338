import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isJobForgeError, type JobForgeError } from '../../src/index.js';
import {
  createRecordingFetch,
  createReplayFetch,
  RECORDING_SCHEMA_PATH,
  readRecording,
  recordingJsonSchemaText,
  writeRecording,
} from '../../src/testing/index.js';
import { type LocalServer, sendJson, startLocalServer } from './local-server.js';

const SECRET = 'sk_test_b1n4ry_only';
const label = 'case "get invoice"';

let server: LocalServer;
let dir: string;

beforeAll(async () => {
  server = await startLocalServer((req, res) => {
    if (req.url === '/invoice.pdf') {
      // A binary body (not UTF-8) that carries the key: it cannot be rewritten safely.
      res.writeHead(200, { 'content-type': 'application/pdf' });
      res.end(Buffer.concat([Buffer.from([0xff, 0xfe, 0x00]), Buffer.from(SECRET)]));
    } else sendJson(res, 200, { id: 'inv_1', total: 42 });
  });
  dir = await mkdtemp(join(tmpdir(), 'jobforge-bad-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function caught(promise: Promise<unknown> | (() => unknown)): Promise<JobForgeError> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    if (isJobForgeError(error)) return error;
    throw error;
  }
  throw new Error('expected a JobForgeError');
}

async function recordedFixture(): Promise<string> {
  const recorder = createRecordingFetch(fetch, { label });
  await recorder.fetch(`${server.origin}/v1/invoices/inv_1?expand=lines`);
  const file = join(dir, `${Math.random().toString(36).slice(2)}.recording.json`);
  await writeRecording(file, recorder.recording());
  return file;
}

describe('bad input says which case, which exchange and what to do', () => {
  it('a fixture edited by hand into invalid JSON', async () => {
    const file = await recordedFixture();
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('"status": 200', '"status": 200,,'));
    const error = await caught(readRecording(file, { label }));
    expect(error.code).toBe('RECORDING_INVALID');
    expect(error.message).toContain(`${label}: the recording ${file} is not valid JSON at line`);
    expect(error.where).toMatch(new RegExp(`^${file}:\\d+:\\d+$`));
    expect(error.hint).toMatch(
      /fix the JSON by hand.*or delete the file and record it again with `jobforge test --record`/,
    );
  });

  it('a fixture whose shape is wrong names the exchange and the field', async () => {
    const file = await recordedFixture();
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('"status": 200', '"status": "ok"'));
    const error = await caught(readRecording(file, { label }));
    expect(error.message).toContain('(exchange #1): #/exchanges/0/response/status');
    expect(error.where).toBe(`${file}#/exchanges/0/response/status`);
  });

  it('a header value with a line break, which no response may carry, names the exchange', async () => {
    const file = await recordedFixture();
    const text = await readFile(file, 'utf8');
    await writeFile(
      file,
      text.replace('"content-type": "application/json"', '"content-type": "a\\r\\nb"'),
    );
    const error = await caught(readRecording(file, { label }));
    expect(error.code).toBe('RECORDING_INVALID');
    expect(error.message).toContain('(exchange #1): #/exchanges/0/response/headers/content-type');
  });

  it('a match or redact pattern that is not a valid RegExp says so', async () => {
    const recording = await readRecording(await recordedFixture(), { label });
    const error = await caught(() =>
      createReplayFetch(recording, { label, match: {}, redact: { headers: ['/[unclosed/'] } }),
    );
    expect(error.code).toBe('INVALID_PATTERN');
    expect(error.message).toMatch(/^\/\[unclosed\/ is not a valid regular expression: /);
  });

  it('a missing fixture says to record it', async () => {
    const error = await caught(readRecording(join(dir, 'none.json'), { label }));
    expect(error.code).toBe('RECORDING_MISSING');
    expect(error.hint).toContain('jobforge test --record');
  });

  it('a recording whose URL no longer matches shows the diff against the nearest exchange', async () => {
    const recording = await readRecording(await recordedFixture(), { label });
    const replayer = createReplayFetch(recording, { label, source: 'cases/get.recording.json' });
    const thrown = await caught(replayer.fetch(`${server.origin}/v2/invoices/inv_1?expand=items`));
    expect(replayer.failures).toEqual([thrown]);
    expect(thrown.code).toBe('REPLAY_UNMATCHED');
    expect(thrown.message).toBe(
      `${label}: request #1 (GET ${server.origin}/v2/invoices/inv_1?expand=items) matches no recorded exchange; ` +
        `the nearest is exchange #1 (GET ${server.origin}/v1/invoices/inv_1?expand=lines), which differs in:\n` +
        `    url.path:\n      - recorded ${server.origin}/v1/invoices/inv_1\n      + request  ${server.origin}/v2/invoices/inv_1\n` +
        `    query.expand:\n      - recorded "lines"\n      + request  "items"`,
    );
    expect(thrown.where).toBe('cases/get.recording.json#/exchanges/0');
    expect(thrown.hint).toMatch(
      /record the case again.*ignoreHeaders, ignoreQuery, ignoreBodyPaths/,
    );
  });

  it('a secret that appears only in a (binary) response body refuses the recording', async () => {
    const recorder = createRecordingFetch(fetch, { label, secrets: { API_KEY: SECRET } });
    await recorder.fetch(`${server.origin}/v1/invoices/inv_1`);
    const response = await recorder.fetch(`${server.origin}/invoice.pdf`);
    // The connector still got the live bytes; only keeping them is refused.
    expect(Buffer.from(await response.arrayBuffer()).includes(SECRET)).toBe(true);
    const error = await caught(() => recorder.recording());
    expect(error.code).toBe('RECORDING_LEAKS_SECRET');
    expect(error.message).toBe(
      `${label}: exchange #2 (GET ${server.origin}/invoice.pdf) still contains the value of secret API_KEY in response.body after redaction; the recording was not written`,
    );
    expect(error.hint).toMatch(/binary body cannot be redacted/);
    expect(recorder.exchanges).toHaveLength(1);
  });

  it('a fixture hand-edited to hold a secret in a response body is refused before replay', async () => {
    const file = await recordedFixture();
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('"inv_1"', JSON.stringify(`inv_1 ${SECRET}`)));
    const recording = await readRecording(file, { label });
    const error = await caught(() =>
      createReplayFetch(recording, { label, source: file, secrets: { API_KEY: SECRET } }),
    );
    expect(error.code).toBe('RECORDING_LEAKS_SECRET');
    expect(error.message).toContain(`${label}: exchange #1 (GET `);
    expect(error.message).toContain('holds the value of secret API_KEY in response.body');
    expect(error.where).toBe(`${file}#/exchanges/0`);
    expect(error.hint).toMatch(/replace the value with "\[REDACTED\]".*rotate the credential/);
  });

  it('a fixture with an Authorization value put back by hand is refused', async () => {
    const recording = await readRecording(await recordedFixture(), { label });
    recording.exchanges[0]!.request.headers.authorization = 'Bearer real-looking';
    const error = await caught(() => createReplayFetch(recording, { label }));
    expect(error.message).toContain(
      'holds an unredacted credential in request.headers.authorization',
    );
  });
});

describe('the fixture format', () => {
  it('sdk/schema/recording.schema.json is what the zod schema generates (regenerate on drift)', async () => {
    // Compared as data: the formatter may lay the committed file out differently.
    expect(JSON.parse(await readFile(RECORDING_SCHEMA_PATH, 'utf8'))).toEqual(
      JSON.parse(recordingJsonSchemaText()),
    );
  });
});
