import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunEventBody, verifyEvidence } from '@jobforge/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ArtifactStore,
  createFsArtifactStore,
  createRunRecorder,
  createRuntime,
  explainRun,
  loadRun,
  prepareConnectorDir,
  type RunRecordWrite,
  type Runtime,
  replayRun,
  type StoredRun,
} from '../src/index.js';
import { GOOD, hostKey, statementOf } from './helpers.js';

const HTTP = fileURLToPath(new URL('../../connectors/http-request', import.meta.url));

/** The queue's role, in memory: events and manifests by job and attempt, blobs into `db`. */
function memorySink(db: ArtifactStore) {
  const events: object[] = [];
  const manifests = new Map<string, { manifest: object; sha: string }>();
  let calls = 0;
  return {
    events,
    manifests,
    calls: () => calls,
    appendRunEvents: async (_job: string, _attempt: number, batch: readonly object[]) => {
      calls++;
      return events.push(...batch);
    },
    recordRun: async (job: string, attempt: number, write: RunRecordWrite) => {
      calls++;
      events.push(...write.events);
      for (const blob of write.blobs) await db.put(job, blob);
      manifests.set(`${job}.${attempt}`, { manifest: write.manifest, sha: write.manifestSha256 });
      return { last_seq: events.length, stored: true };
    },
  };
}

function memoryStore(): ArtifactStore {
  const blobs = new Map<string, Buffer>();
  return {
    kind: 'db',
    put: async (_job, bytes) => {
      const { sha256Hex } = await import('@jobforge/sdk');
      const sha = sha256Hex(bytes);
      blobs.set(sha, Buffer.from(bytes));
      return sha;
    },
    get: async (_job, sha) => blobs.get(sha) ?? null,
  };
}

describe('run records in the runtime', () => {
  const key = hostKey();
  const dir = mkdtempSync(join(tmpdir(), 'jobforge-runrec-'));
  let runtime: Runtime;
  let server: Server;
  let base: string;
  let hits = 0;
  let jobs = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ path: req.url }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
    runtime = await createRuntime({
      signingKey: key.privateKeyPem,
      pool: { maxChildren: 1, warm: 0 },
      policy: { allowPrivateAddresses: [`127.0.0.1:${port}`] },
    });
  });
  afterAll(async () => {
    await runtime.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function record(
    connector: string,
    operation: string,
    payload: unknown,
    options: { dryRun?: boolean; capture?: boolean } = {},
  ) {
    const jobId = String(++jobs);
    const stores = { db: memoryStore(), fs: createFsArtifactStore(join(dir, 'artifacts')) };
    const sink = memorySink(stores.db);
    const live: RunEventBody[] = [];
    const recorder = createRunRecorder({
      jobId,
      attempt: 1,
      sink,
      large: stores.fs,
      capture: options.capture ?? true,
      // Longer than any run here: the whole record is one call (the flush has its own test).
      flushMs: 60_000,
      input: { operation, payload },
    });
    const run = await runtime.run(
      connector,
      { operation, payload: payload as never },
      {
        tenant_id: 'acme',
        job_id: jobId,
        dry_run: options.dryRun ?? false,
        record: {
          ...recorder.record,
          onEvent: (e) => {
            live.push(e);
            recorder.record.onEvent?.(e);
          },
        },
      },
    );
    const view = await recorder.finish(run);
    const stored: StoredRun = {
      job_id: jobId,
      attempt: 1,
      tenant_id: 'acme',
      job_status: 'succeeded',
      manifest_sha256: view.manifest_sha256,
      manifest: view,
    };
    return { run, view, sink, stores, stored, live };
  }

  it('signs the manifest of events, input, output and recording', async () => {
    const { run, view, sink, live } = await record(HTTP, 'http-request.send', {
      url: `${base}/items?api_key=hunter2hunter2`,
    });
    expect(run.ok).toBe(true);
    const p = statementOf(run.evidence).predicate;
    expect(p.manifest).toEqual({ sha256: view.manifest_sha256, artifacts: 4 });
    expect(verifyEvidence(run.evidence, key.publicKeyPem).ok).toBe(true);
    const signed = view.artifacts.filter((a) => a.signed).map((a) => a.name);
    expect(signed).toEqual(['events.jsonl', 'input.json', 'output.json', 'recording.json']);
    expect(view.artifacts.find((a) => a.name === 'input.json')?.sha256).toBe(p.input_hash);
    expect(view.artifacts.find((a) => a.name === 'output.json')?.sha256).toBe(p.output_hash);
    expect(live.map((e) => e.kind)).toEqual(['started', 'fetch', 'log', 'finished']);
    expect(sink.events).toHaveLength(4);
    // A run shorter than the flush interval writes its whole record in one call.
    expect(sink.calls()).toBe(1);
    // A query value never reaches an event.
    expect(JSON.stringify(sink.events)).not.toContain('hunter2');
    expect(live[1]).toMatchObject({ method: 'GET', path: '/items?api_key=', status: 200 });
  });

  it('writes buffered events at most every flushMs while a run lasts, a burst in one call', async () => {
    const stores = { db: memoryStore(), fs: createFsArtifactStore(join(dir, 'artifacts')) };
    const sink = memorySink(stores.db);
    const recorder = createRunRecorder({
      jobId: String(++jobs),
      attempt: 1,
      sink,
      large: stores.fs,
      input: { operation: 'noop', payload: {} },
      flushMs: 20,
    });
    const at = new Date().toISOString();
    recorder.event({ kind: 'claimed', at, worker_id: 'w' });
    expect(sink.calls()).toBe(0);
    await new Promise((r) => setTimeout(r, 150));
    expect(sink.events).toHaveLength(1);
    for (let i = 0; i < 50; i++)
      recorder.event({ kind: 'log', at, level: 'info', message: `${i}` });
    await new Promise((r) => setTimeout(r, 150));
    expect(sink.calls()).toBe(2);
    expect(sink.events).toHaveLength(51);
    const run = await runtime.run(GOOD('noop'), { payload: {} }, { record: recorder.record });
    const view = await recorder.finish(run);
    // The rest (started, finished) goes with the manifest; events.jsonl numbers them on.
    expect(sink.events).toHaveLength(53);
    const lines = (await stores.db.get(
      '',
      view.artifacts.find((a) => a.name === 'events.jsonl')!.sha256,
    ))!
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq: number; kind: string });
    expect(lines.map((l) => l.seq)).toEqual(Array.from({ length: 53 }, (_, i) => i + 1));
    expect(lines.at(-1)!.kind).toBe('finished');
  });

  it('leaves old-style evidence unchanged when the run is not recorded', async () => {
    const run = await runtime.run(GOOD('noop'), { payload: {} }, { tenant_id: 'acme' });
    const p = statementOf(run.evidence).predicate;
    expect('manifest' in p).toBe(false);
    expect('replay_of' in p).toBe(false);
  });

  it('replays with the recording and no network: identical', async () => {
    const { stored, stores } = await record(HTTP, 'http-request.send', { url: `${base}/again` });
    const before = hits;
    const loaded = await loadRun(stored, stores, key.publicKeyPem);
    expect(loaded.problems).toEqual([]);
    const connector = await prepareConnectorDir(HTTP, join(dir, 'cache'));
    const result = await replayRun(runtime, loaded, connector);
    expect(result).toMatchObject({ identical: true, diff: [], unmatched: [] });
    expect(hits).toBe(before);
    expect(statementOf(result.evidence).predicate.replay_of).toBe(`${stored.job_id}.1`);
  });

  it('refuses a different artifact unless asked, and shows the difference', async () => {
    const { stored, stores } = await record(HTTP, 'http-request.send', { url: `${base}/x` });
    const loaded = await loadRun(stored, stores);
    const other = await prepareConnectorDir(GOOD('fetcher'), join(dir, 'cache'));
    await expect(replayRun(runtime, loaded, other)).rejects.toMatchObject({
      code: 'ARTIFACT_MISMATCH',
    });
    loaded.files.set(
      'input.json',
      Buffer.from(
        JSON.stringify({ operation: 'http-request.send', payload: { url: `${base}/y` } }),
      ),
    );
    const connector = await prepareConnectorDir(HTTP, join(dir, 'cache'));
    const result = await replayRun(runtime, loaded, connector);
    expect(result.identical).toBe(false);
    expect(result.unmatched[0]).toMatch(/\/y/);
  });

  it('names an artifact altered in the filesystem store', async () => {
    const { stored, stores } = await record(HTTP, 'http-request.send', { url: `${base}/z` });
    const entry = stored.manifest.artifacts.find((a) => a.name === 'events.jsonl')!;
    await stores.fs.put(stored.job_id, (await stores.db.get(stored.job_id, entry.sha256))!);
    entry.storage = 'fs';
    const path = join(dir, 'artifacts', 'sha256', entry.sha256.slice(0, 2), entry.sha256.slice(2));
    writeFileSync(path, 'tampered\n');
    const loaded = await loadRun(stored, stores, key.publicKeyPem);
    expect(loaded.problems).toEqual([expect.stringMatching(/^events\.jsonl is altered/)]);
    expect(explainRun(loaded).verified).toBe(false);
  });

  it('answers unsafe methods of a dry run itself, with a DRY_RUN_BLOCKED event', async () => {
    const before = hits;
    const { run, live } = await record(
      GOOD('poster'),
      'poster.run',
      { url: `${base}/send`, method: 'POST' },
      { dryRun: true },
    );
    expect(hits).toBe(before);
    expect(run.ok && run.data).toEqual({ status: 200, dry_run: 'blocked' });
    expect(live.find((e) => e.kind === 'dry_run_blocked')).toMatchObject({
      code: 'DRY_RUN_BLOCKED',
      method: 'POST',
      path: '/send',
    });
    expect(statementOf(run.evidence).predicate.invocation.dry_run).toBe(true);
    const get = await record(
      GOOD('poster'),
      'poster.run',
      { url: `${base}/read`, method: 'GET' },
      { dryRun: true },
    );
    expect(get.run.ok && get.run.data).toEqual({ status: 200, dry_run: null });
    expect(hits).toBe(before + 1);
    // Unrecorded dry runs are guarded the same way.
    const plain = await runtime.run(
      GOOD('poster'),
      { payload: { url: `${base}/send`, method: 'DELETE' } },
      { dry_run: true },
    );
    expect(plain.ok && plain.data).toEqual({ status: 200, dry_run: 'blocked' });
    expect(hits).toBe(before + 1);
  });

  it('keeps what a connector puts in the signed manifest: small in the database, large streamed to the folder', async () => {
    const { run, view, stored, stores, sink } = await record(GOOD('artifacts'), 'artifacts.put', {
      puts: [
        { name: 'report.csv', text: 'a,b\n1,2\n', contentType: 'text/csv' },
        { name: 'big.bin', size: 300_000 },
      ],
    });
    expect(run.ok).toBe(true);
    const results = (run as unknown as { data: { results: { name: string; stored: boolean }[] } })
      .data.results;
    expect(results.map((r) => [r.name, r.stored])).toEqual([
      ['report.csv', true],
      ['big.bin', true],
    ]);
    const byName = new Map(view.artifacts.map((a) => [a.name, a]));
    expect(byName.get('report.csv')).toMatchObject({
      media_type: 'text/csv',
      size: 8,
      signed: true,
      storage: 'db',
    });
    expect(byName.get('big.bin')).toMatchObject({
      media_type: 'application/octet-stream',
      size: 300_000,
      signed: true,
      storage: 'fs',
    });
    expect(statementOf(run.evidence).predicate.manifest?.artifacts).toBe(
      view.artifacts.filter((a) => a.signed).length,
    );
    const loaded = await loadRun(stored, stores, key.publicKeyPem);
    expect(loaded.problems).toEqual([]);
    expect(loaded.files.get('big.bin')).toEqual(Buffer.alloc(300_000, 120));
    expect(loaded.files.get('report.csv')!.toString()).toBe('a,b\n1,2\n');
    const kinds = (sink.events as RunEventBody[]).filter((e) => e.kind === 'artifact');
    expect(kinds.map((e) => [e.name, e.bytes])).toEqual([
      ['report.csv', 8],
      ['big.bin', 300_000],
    ]);
  });

  it('refuses bad artifact names with a coded error, and the run goes on', async () => {
    const names = ['../x', 'a/b', '..', 'a..b', 'input.json', '', '.hidden', 'ok.txt', 'ok.txt'];
    const { run } = await record(GOOD('artifacts'), 'artifacts.put', {
      puts: [
        ...names.map((name) => ({ name, text: 'x' })),
        { name: 'typed.txt', text: 'x', contentType: 'not a type' },
      ],
    });
    expect(run.ok).toBe(true);
    const results = (run as unknown as { data: { results: { error?: string }[] } }).data.results;
    expect(results.map((r) => r.error ?? 'ok')).toEqual([
      ...Array(7).fill('ARTIFACT_NAME_INVALID'),
      'ok',
      'ARTIFACT_EXISTS',
      'ARTIFACT_NAME_INVALID',
    ]);
  });
});

describe('connector artifacts past their caps', () => {
  const key = hostKey();
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await createRuntime({
      signingKey: key.privateKeyPem,
      pool: { maxChildren: 1, warm: 0 },
      limits: { maxArtifactBytes: 256 * 1024, maxArtifactsTotalBytes: 1024 * 1024 },
    });
  });
  afterAll(() => runtime.close());

  it('answers a connector flooding past the run cap with ARTIFACT_LIMIT, and the host goes on', async () => {
    const events: RunEventBody[] = [];
    const run = await runtime.run(
      GOOD('artifacts'),
      {
        payload: {
          puts: [{ name: 'huge.bin', size: 300_000 }],
          flood: { chunk: 64 * 1024, count: 100_000 },
        },
      },
      { record: { onEvent: (e) => events.push(e) } },
    );
    expect(run.ok).toBe(true);
    const [huge, flood] = (run as unknown as { data: { results: Record<string, unknown>[] } }).data
      .results;
    expect(huge).toEqual({ error: 'ARTIFACT_TOO_LARGE' });
    // The total counts every byte received, kept or not: huge.bin's first chunk (192 KiB) and 13
    // parts of 64 KiB fill the 1 MiB cap; the 14th is refused.
    expect(flood).toEqual({ put: 13, bytes: 13 * 64 * 1024, error: 'ARTIFACT_LIMIT' });
    const cut = events.filter((e) => e.kind === 'truncated').map((e) => e.name);
    expect(cut).toEqual(['huge.bin', 'part-13.bin']);
    expect(events.at(-1)!.kind).toBe('finished');
    // The child and the host are fine: the next run works.
    const next = await runtime.run(GOOD('noop'), { payload: {} });
    expect(next.ok).toBe(true);
  });

  it('counts a large total without holding it', async () => {
    const big = await createRuntime({
      signingKey: key.privateKeyPem,
      pool: { maxChildren: 1, warm: 0 },
    });
    try {
      let peak = 0;
      const base = process.memoryUsage().arrayBuffers;
      const watch = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
      }, 5);
      const run = await big.run(GOOD('artifacts'), {
        payload: { flood: { chunk: 2 * 1024 * 1024, count: 96 } },
      });
      clearInterval(watch);
      expect(run.ok).toBe(true);
      const [flood] = (run as unknown as { data: { results: Record<string, unknown>[] } }).data
        .results;
      expect(flood).toEqual({ put: 96, bytes: 192 * 1024 * 1024, error: null });
      // 192 MiB passed through the host; it held a chunk or a few at a time, never the total.
      // (The bound leaves room for V8 collecting freed buffers late: Node 24 first collects them
      // past its 64 MiB external-memory mark.)
      expect(peak).toBeLessThan(128 * 1024 * 1024);
    } finally {
      await big.close();
    }
  });
});
