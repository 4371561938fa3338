import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createQueueClient, createRunsClient, type QueueDriver } from '@jobforge/queue';
import {
  createDbArtifactStore,
  createFsArtifactStore,
  createRunRecorder,
  createRuntime,
  explainRun,
  loadRun,
  prepareConnectorDir,
  type Runtime,
  replayRun,
  statementOf,
} from '@jobforge/runtime';
import { generateSigningKeyPair, verifyEvidence } from '@jobforge/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from '../../queue/test/drivers.js';
import { pruneRuns } from '../src/runs/prune-runs.js';
import { tailJob } from '../src/runs/tail-job.js';

const TENANT = '0a0a0a0a-0000-4000-8000-00000000000a';
const OTHER = '0b0b0b0b-0000-4000-8000-00000000000b';
const HTTP = fileURLToPath(new URL('../../connectors/http-request', import.meta.url));
const POSTER = fileURLToPath(new URL('../../runtime/test/fixtures/good/poster', import.meta.url));

describe.each(DRIVERS)('run records on $name', ({ open }) => {
  let driver: QueueDriver;
  let runtime: Runtime;
  let server: Server;
  let base: string;
  let hits = 0;
  const pair = generateSigningKeyPair();
  const dir = mkdtempSync(join(tmpdir(), 'jobforge-runs-'));

  beforeAll(async () => {
    driver = await open();
    server = createServer((req, res) => {
      hits++;
      res.setHeader('content-type', 'application/json');
      // /large answers past the database store's 64 KiB, so its artifacts go to the filesystem.
      const pad = req.url === '/large' ? 'x'.repeat(70_000) : '';
      res.end(JSON.stringify({ path: req.url, n: 1, pad }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
    runtime = await createRuntime({
      signingKey: pair.privateKeyPem,
      pool: { maxChildren: 1, warm: 0 },
      policy: { allowPrivateAddresses: [`127.0.0.1:${port}`] },
    });
  });
  afterAll(async () => {
    await runtime.close();
    server.close();
    await driver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function recordOne(
    input: unknown,
    options: { capture?: boolean; dryRun?: boolean; connector?: string; operation?: string } = {},
  ) {
    const queue = createQueueClient(driver);
    const { id } = await queue.enqueue(
      'connector.run',
      { connector: 'http-request' },
      { tenantId: TENANT },
    );
    const runs = createRunsClient(driver);
    const large = createFsArtifactStore(join(dir, 'artifacts'));
    const small = createDbArtifactStore(runs);
    const recorder = createRunRecorder({
      jobId: id,
      attempt: 1,
      sink: runs,
      large,
      capture: options.capture ?? true,
      onError: (error) => {
        throw error;
      },
      input: { operation: options.operation ?? 'http-request.send', payload: input },
    });
    recorder.event({ kind: 'claimed', at: new Date().toISOString(), worker_id: 'test' });
    const run = await runtime.run(
      options.connector ?? HTTP,
      { payload: input as never },
      { tenant_id: TENANT, job_id: id, dry_run: options.dryRun ?? false, record: recorder.record },
    );
    const manifest = await recorder.finish(run);
    return { id, run, manifest, runs, stores: { db: small, fs: large } };
  }

  it('keeps events, artifacts and a manifest whose hash the evidence signs', async () => {
    const { id, run, manifest, runs, stores } = await recordOne({
      url: `${base}/v1/items?token=secret-ish`,
    });
    expect(run.ok).toBe(true);
    const statement = statementOf(run.evidence);
    expect(statement.predicate.manifest?.sha256).toBe(manifest.manifest_sha256);
    expect(verifyEvidence(run.evidence, pair.publicKeyPem).ok).toBe(true);
    const names = manifest.artifacts.map((a) => a.name).sort();
    expect(names).toEqual([
      'events.jsonl',
      'evidence.json',
      'input.json',
      'output.json',
      'recording.json',
      'run_receipt.json',
      'summary.md',
    ]);
    // The input snapshot and the output are exactly what the evidence hashed.
    const byName = new Map(manifest.artifacts.map((a) => [a.name, a]));
    expect(byName.get('input.json')!.sha256).toBe(statement.predicate.input_hash);
    expect(byName.get('output.json')!.sha256).toBe(statement.predicate.output_hash);

    const events = (await runs.listRunEvents(id))!;
    expect(
      events.map((e) => e.kind),
      JSON.stringify(events),
    ).toEqual(['claimed', 'started', 'fetch', 'log', 'finished']);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    const fetch = events[2]!;
    expect(fetch).toMatchObject({
      method: 'GET',
      host: base.slice(7),
      path: '/v1/items?token=',
      status: 200,
    });
    expect(JSON.stringify(events)).not.toContain('secret-ish');

    const record = (await runs.getRunManifest(id))!;
    expect(record.attempt).toBe(1);
    const loaded = await loadRun(record, stores, pair.publicKeyPem);
    expect(loaded.problems).toEqual([]);
    const impact = explainRun(loaded);
    expect(impact.verified).toBe(true);
    expect(impact.calls).toEqual([
      expect.objectContaining({ method: 'GET', status: 200, blocked: false }),
    ]);
    expect(impact.connector?.id).toBe('http-request');

    // Another tenant sees nothing, never someone else's data.
    const other = createRunsClient(driver, { tenantId: OTHER });
    expect(await other.getRunManifest(id)).toBeNull();
    expect(await other.listRunEvents(id)).toBeNull();
    expect(await runs.getRunManifest('999999')).toBeNull();
  });

  it('replays a captured run with no network and says identical', async () => {
    const { id, runs, stores } = await recordOne({ url: `${base}/replay-me` });
    const before = hits;
    const loaded = await loadRun((await runs.getRunManifest(id))!, stores, pair.publicKeyPem);
    const connector = await prepareConnectorDir(HTTP, join(dir, 'cache'));
    const result = await replayRun(runtime, loaded, connector);
    expect(result).toMatchObject({ identical: true, unmatched: [], diff: [] });
    expect(hits).toBe(before);
    expect(statementOf(result.evidence).predicate.replay_of).toBe(`${id}.1`);
  });

  it('names a replay request the recording does not match', async () => {
    const { id, runs, stores } = await recordOne({ url: `${base}/a` });
    const loaded = await loadRun((await runs.getRunManifest(id))!, stores);
    // Same record, different input: the request no longer matches the recording.
    loaded.files.set(
      'input.json',
      Buffer.from(
        JSON.stringify({ operation: 'http-request.send', payload: { url: `${base}/b` } }),
      ),
    );
    const connector = await prepareConnectorDir(HTTP, join(dir, 'cache'));
    const result = await replayRun(runtime, loaded, connector);
    expect(result.identical).toBe(false);
    expect(result.unmatched[0]).toMatch(/\/b/);
  });

  it('names an artifact altered on disk', async () => {
    const { id, runs, stores, manifest } = await recordOne({ url: `${base}/big` });
    // Push one artifact to the filesystem store by hand and then alter its bytes there.
    const events = manifest.artifacts.find((a) => a.name === 'events.jsonl')!;
    const record = (await runs.getRunManifest(id))!;
    const entry = record.manifest.artifacts.find((a) => a.name === 'events.jsonl')!;
    entry.storage = 'fs';
    const bytes = await stores.db.get(id, events.sha256);
    await stores.fs.put(id, bytes!);
    const path = join(
      dir,
      'artifacts',
      'sha256',
      events.sha256.slice(0, 2),
      events.sha256.slice(2),
    );
    writeFileSync(path, 'tampered\n');
    const loaded = await loadRun(record, stores, pair.publicKeyPem);
    expect(loaded.problems.join('\n')).toMatch(/events\.jsonl is altered/);
    expect(readdirSync(join(dir, 'artifacts', 'sha256')).length).toBeGreaterThan(0);
  });

  it('blocks unsafe methods in a dry run with a recorded event', async () => {
    const before = hits;
    const { id, run, runs } = await recordOne(
      { url: `${base}/send`, method: 'POST' },
      { dryRun: true, connector: POSTER, operation: 'poster.run' },
    );
    expect(hits).toBe(before);
    expect(run.ok && run.data).toEqual({ status: 200, dry_run: 'blocked' });
    expect(statementOf(run.evidence).predicate.invocation.dry_run).toBe(true);
    const kinds = (await runs.listRunEvents(id))!.map((e) => e.kind);
    expect(kinds, JSON.stringify(run)).toContain('dry_run_blocked');
  });

  it('tails a job that has not started: waits, prints each event once, ends with the job', async () => {
    const queue = createQueueClient(driver);
    const { id } = await queue.enqueue(
      'connector.run',
      { connector: 'http-request' },
      { tenantId: TENANT },
    );
    const runs = createRunsClient(driver);
    const seen: string[] = [];
    const tail = tailJob(queue, runs, id, (e) => seen.push(`${e.seq}:${e.kind}`), {
      pollMs: 10_000,
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toEqual([]);
    // Earlier tests left jobs queued: take ours, give the rest back.
    const claimed = await queue.claim({ workerId: 'w', limit: 1000 });
    const job = claimed.find((j) => j.id === id);
    await queue.release(claimed.filter((j) => j.id !== id));
    const recorder = createRunRecorder({
      jobId: id,
      attempt: 1,
      sink: runs,
      large: createFsArtifactStore(join(dir, 'artifacts')),
      input: { operation: 'http-request.send', payload: { url: `${base}/tail` } },
    });
    recorder.event({ kind: 'claimed', at: new Date().toISOString(), worker_id: 'w' });
    const run = await runtime.run(
      HTTP,
      { payload: { url: `${base}/tail` } },
      { tenant_id: TENANT, job_id: id, record: recorder.record },
    );
    await recorder.finish(run);
    await queue.complete([{ id, lease: job!.lease, outcome: { ok: true, result: null } }]);
    // NOTIFY wakes the tail long before its 10 s poll would.
    const started = Date.now();
    expect(await tail).toBe('succeeded');
    expect(Date.now() - started).toBeLessThan(9_000);
    expect(seen).toEqual(['1:claimed', '2:started', '3:fetch', '4:log', '5:finished']);
    expect(
      await tailJob(queue, createRunsClient(driver), '999999', () => {}).catch((e) => e.code),
    ).toBe('JOB_NOT_FOUND');
  });

  it('prunes finished jobs in batches and never a running or queued one', async () => {
    const done = await recordOne({ url: `${base}/old` });
    const running = await recordOne({ url: `${base}/busy` });
    const queued = await recordOne({ url: `${base}/waiting` });
    const queue = createQueueClient(driver);
    const claimed = await queue.claim({ workerId: 'w', limit: 1000 });
    const finish = claimed.filter((j) => j.id !== running.id && j.id !== queued.id);
    // The queued one goes back to the queue; the running one stays claimed while prune runs.
    await queue.release(claimed.filter((j) => j.id === queued.id));
    await queue.complete(
      finish.map((j) => ({ id: j.id, lease: j.lease, outcome: { ok: true, result: { n: 1 } } })),
    );
    const stores = {
      runs: done.runs,
      small: done.stores.db,
      large: done.stores.fs,
      stores: done.stores,
    };
    const dry = await pruneRuns(stores, { olderThan: '0 seconds', dryRun: true, batch: 2 });
    expect(dry).toMatchObject({ dry_run: true });
    expect(dry.events).toBeGreaterThan(0);
    expect((await done.runs.listRunEvents(done.id))!.length).toBeGreaterThan(0);

    const pruned = await pruneRuns(stores, { olderThan: '0 seconds', batch: 1 });
    expect(pruned.jobs).toBeGreaterThanOrEqual(finish.length);
    expect(pruned.batches).toBeGreaterThan(1);
    expect(await done.runs.listRunEvents(done.id)).toEqual([]);
    expect(await done.runs.getRunManifest(done.id)).toBeNull();
    expect((await queue.get(done.id))!.results).toEqual([]);
    expect((await queue.get(done.id))!.status).toBe('succeeded');
    // Running and queued jobs keep everything.
    expect((await done.runs.listRunEvents(running.id))!.length).toBe(5);
    expect(await done.runs.getRunManifest(running.id)).not.toBeNull();
    expect(await done.runs.getRunManifest(queued.id)).not.toBeNull();
    const [log] = await driver.query<{ jobs: number }>(
      'select jobs from jobforge.jobforge_prune_log order by id desc limit 1',
    );
    expect(log!.jobs).toBeGreaterThan(0);
    await expect(
      done.runs.pruneRuns({ olderThan: '0 seconds', statuses: ['running'] }),
    ).rejects.toMatchObject({ code: 'INVALID_JOB' });
  });

  it('prunes the filesystem artifacts that no manifest names any more', async () => {
    const big = await recordOne({ url: `${base}/large` });
    const onDisk = big.manifest.artifacts.filter((a) => a.storage === 'fs');
    expect(onDisk.length).toBeGreaterThan(0);
    const pathOf = (sha: string) => join(dir, 'artifacts', 'sha256', sha.slice(0, 2), sha.slice(2));
    for (const a of onDisk) expect(existsSync(pathOf(a.sha256))).toBe(true);
    const queue = createQueueClient(driver);
    const [job] = (await queue.claim({ workerId: 'w', limit: 1000 })).filter(
      (j) => j.id === big.id,
    );
    await queue.complete([{ id: job!.id, lease: job!.lease, outcome: { ok: true, result: {} } }]);
    const stores = {
      runs: big.runs,
      small: big.stores.db,
      large: big.stores.fs,
      stores: big.stores,
    };
    const pruned = await pruneRuns(stores, { olderThan: '0 seconds' });
    expect(pruned.files).toBeGreaterThanOrEqual(onDisk.length);
    for (const a of onDisk) expect(existsSync(pathOf(a.sha256))).toBe(false);
  });
});
