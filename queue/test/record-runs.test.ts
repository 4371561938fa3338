import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueDriver } from '../src/driver.js';
import { createQueueClient } from '../src/queue-client.js';
import { createRunsClient, type StoredManifest } from '../src/runs-client.js';
import { DRIVERS } from './drivers.js';

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function manifestOf(blobs: Buffer[]): StoredManifest {
  return {
    $schema: 'https://jobforge.dev/schemas/artifact-manifest/v1.json',
    artifacts: blobs.map((b, i) => ({
      name: `a${i}.txt`,
      media_type: 'text/plain',
      size: b.length,
      sha256: sha(b),
      signed: true,
      storage: 'db',
    })),
  };
}

// A run's record (events, small artifacts, manifest) is one call, and concurrent ones share it.
describe.each(DRIVERS)('recordRun on $name', ({ open }) => {
  let driver: QueueDriver;
  const tenantId = randomUUID();
  beforeAll(async () => {
    driver = await open();
  });
  afterAll(() => driver.close());

  const newJob = async () =>
    (await createQueueClient(driver, { tenantId }).enqueue('connector.run', {})).id;

  it('stores events, bytes and manifest of many runs in few round trips', async () => {
    let calls = 0;
    const counting: QueueDriver = {
      ...driver,
      query: (text, params) => {
        if (text.includes('jobforge_record_runs')) calls++;
        return driver.query(text, params);
      },
    };
    const runs = createRunsClient(counting);
    const ids = await Promise.all(Array.from({ length: 12 }, newJob));
    const answers = await Promise.all(
      ids.map((id, i) => {
        const blobs = [Buffer.from(`input ${i}`), Buffer.from(`output ${i}`)];
        return runs.recordRun(id, 1, {
          events: [
            { kind: 'started', at: new Date().toISOString() },
            { kind: 'finished', at: new Date().toISOString(), outcome: 'success' },
          ],
          blobs,
          manifest: manifestOf(blobs),
          manifestSha256: sha(Buffer.from(String(i))),
        });
      }),
    );
    expect(answers.map((a) => [a.job_id, a.last_seq, a.stored])).toEqual(
      ids.map((id) => [id, 2, true]),
    );
    // The first goes alone; the eleven that end while it is in flight share the next.
    expect(calls).toBeLessThanOrEqual(2);
    const record = await runs.getRunManifest(ids[3]!);
    expect(record!.manifest.artifacts.map((a) => a.name)).toEqual(['a0.txt', 'a1.txt']);
    expect((await runs.getRunBlob(ids[3]!, sha(Buffer.from('output 3'))))!.toString()).toBe(
      'output 3',
    );
    expect((await runs.listRunEvents(ids[3]!))!.map((e) => e.seq)).toEqual([1, 2]);
    // Events written earlier during the run are continued, and a second manifest is not kept.
    const again = await runs.recordRun(ids[3]!, 1, {
      events: [{ kind: 'lost', at: new Date().toISOString() }],
      blobs: [],
      manifest: manifestOf([]),
      manifestSha256: sha(Buffer.from('other')),
    });
    expect(again).toMatchObject({ last_seq: 3, stored: false });
  });

  it('fails a bad record alone and keeps the others of its batch', async () => {
    const runs = createRunsClient(driver);
    const [good, bad, missing] = await Promise.all([newJob(), newJob(), newJob()]);
    const blobs = [Buffer.from('kept')];
    const results = await Promise.allSettled([
      runs.recordRun(good!, 1, {
        events: [],
        blobs,
        manifest: manifestOf(blobs),
        manifestSha256: sha(blobs[0]!),
      }),
      runs.recordRun(bad!, 1, {
        events: [{ kind: 'log', message: 'x'.repeat(20_000) }],
        blobs: [],
        manifest: manifestOf([]),
        manifestSha256: sha(Buffer.from('bad')),
      }),
      // The manifest says the database holds bytes that were never given.
      runs.recordRun(missing!, 1, {
        events: [],
        blobs: [],
        manifest: manifestOf([Buffer.from('never sent')]),
        manifestSha256: sha(Buffer.from('missing')),
      }),
      runs.recordRun('999999999', 1, {
        events: [],
        blobs: [],
        manifest: manifestOf([]),
        manifestSha256: sha(Buffer.from('none')),
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected']);
    expect(results.slice(1).map((r) => (r as PromiseRejectedResult).reason.code)).toEqual([
      'PAYLOAD_TOO_LARGE',
      'INVALID_JOB',
      'INVALID_JOB',
    ]);
    expect(await runs.getRunManifest(good!)).not.toBeNull();
    expect(await runs.getRunManifest(bad!)).toBeNull();
    expect(await runs.getRunManifest(missing!)).toBeNull();
  });

  it('never writes a run of another tenant', async () => {
    const job = await newJob();
    const other = createRunsClient(driver, { tenantId: randomUUID() });
    await expect(
      other.recordRun(job, 1, {
        events: [],
        blobs: [],
        manifest: manifestOf([]),
        manifestSha256: sha(Buffer.from('x')),
      }),
    ).rejects.toMatchObject({ code: 'INVALID_JOB' });
  });

  it('appends a lost event when the lease of a recorded attempt is reaped', async () => {
    const queue = createQueueClient(driver, { tenantId });
    const runs = createRunsClient(driver);
    const [recorded, plain] = await Promise.all([
      queue.enqueue('lost.test', { n: 1 }),
      queue.enqueue('lost.test', { n: 2 }),
    ]);
    const claimed = await queue.claim({
      workerId: 'dies',
      limit: 2,
      leaseMs: 1,
      types: ['lost.test'],
    });
    expect(claimed).toHaveLength(2);
    // Only the first is recorded (run records on for it); the worker dies after two events.
    await runs.appendRunEvents(recorded!.id, 1, [
      { kind: 'claimed', at: new Date().toISOString(), worker_id: 'dies' },
      { kind: 'started', at: new Date().toISOString(), attempt: 1 },
    ]);
    await new Promise((r) => setTimeout(r, 20));
    // The next claim reaps the expired leases.
    await queue.claim({ workerId: 'lives', limit: 2, types: ['lost.test'] });
    const events = (await runs.listRunEvents(recorded!.id, { attempt: 1 }))!;
    expect(events.map((e) => [e.seq, e.kind])).toEqual([
      [1, 'claimed'],
      [2, 'started'],
      [3, 'lost'],
    ]);
    expect(events[2]).toMatchObject({ code: 'LEASE_EXPIRED', worker_id: 'dies' });
    expect(String(events[2]!.at)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // An attempt that was not recorded gets no events.
    expect(await runs.listRunEvents(plain!.id)).toEqual([]);
  });
});
