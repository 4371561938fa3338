// Record/replay benchmark: what replaying costs per request compared with a live request to a
// server on 127.0.0.1, how matching scales with the size of a recording, and redaction of a large
// body. Prints figures; asserts nothing. Run: npm run bench:replay
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createRecordingFetch,
  createRedactor,
  createReplayFetch,
  type Recording,
} from '@jobforge/sdk/testing';

const secrets = { API_KEY: 'sk_live_bench_0123456789' };
const headers = { authorization: `Bearer ${secrets.API_KEY}`, 'content-type': 'application/json' };

const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ id: request.url, items: [1, 2, 3] }));
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

async function timed(label: string, n: number, run: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await run();
  const ms = performance.now() - started;
  console.log(`${label.padEnd(58)} ${(ms / n).toFixed(3).padStart(8)} ms/request  (${n} requests)`);
  return ms / n;
}

const call = (f: typeof fetch, i: number) =>
  f(`${base}/items/${i}?page=1`, { method: 'POST', headers, body: JSON.stringify({ i }) }).then(
    (r) => r.json(),
  );

// Warm up the connection pool and the JIT.
for (let i = 0; i < 50; i++) await call(fetch, i);

const live = await timed('live fetch to 127.0.0.1', 500, async () => {
  for (let i = 0; i < 500; i++) await call(fetch, i);
});
let recording: Recording | undefined;
const record = await timed('recording fetch (live + capture + redact)', 500, async () => {
  const recorder = createRecordingFetch(fetch, { secrets });
  for (let i = 0; i < 500; i++) await call(recorder.fetch, i);
  recording = recorder.recording();
});
server.close();
for (const size of [10, 100, 500]) {
  const subset: Recording = { ...recording!, exchanges: recording!.exchanges.slice(0, size) };
  const ms = await timed(`replay, recording of ${size} exchanges, in order`, size, async () => {
    const replay = createReplayFetch(subset, { secrets });
    for (let i = 0; i < size; i++) await call(replay.fetch, i);
    if (replay.failures.length > 0) throw replay.failures[0];
  });
  if (size === 500) console.log(`replay / live at 500 exchanges: ${(ms / live).toFixed(2)}x`);
}
console.log(`record / live: ${(record / live).toFixed(2)}x`);

const big = {
  rows: Array.from({ length: 20_000 }, (_, i) => ({ id: i, name: `row ${i}`, token: `t${i}` })),
};
const redactor = createRedactor(secrets);
const started = performance.now();
redactor.response({ status: 200, headers: {}, body: { json: big } });
const bytes = JSON.stringify(big).length;
console.log(
  `redact a ${(bytes / 1e6).toFixed(1)} MB JSON response body: ${(performance.now() - started).toFixed(1)} ms`,
);
