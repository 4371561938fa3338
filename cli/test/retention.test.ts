import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createPgliteDriver,
  createQueueClient,
  migrate,
  type QueueDriver,
  silentLogger,
} from '@jobforge/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAgeMs } from '../src/runs/prune-runs.js';
import { startRetention } from '../src/runs/retention-schedule.js';
import { openRunStores } from '../src/runs/run-stores.js';

// The worker-side retention policy: prune on a timer, never a job that is not finished.
describe('worker retention', () => {
  let driver: QueueDriver;
  const dir = mkdtempSync(join(tmpdir(), 'jobforge-retention-'));
  beforeAll(async () => {
    driver = await createPgliteDriver();
    await migrate(driver);
  });
  afterAll(async () => {
    await driver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prunes finished jobs every round and keeps queued ones', async () => {
    const queue = createQueueClient(driver, { tenantId: randomUUID() });
    const stores = await openRunStores(driver, { artifactsDir: join(dir, 'artifacts') });
    const done = await queue.enqueue('t', { n: 1 });
    const [job] = await queue.claim({ workerId: 'w', limit: 1 });
    await queue.complete([{ id: job!.id, lease: job!.lease, outcome: { ok: true } }]);
    await stores.runs.appendRunEvents(done.id, 1, [
      { kind: 'started', at: new Date().toISOString() },
    ]);
    const waiting = await queue.enqueue('t', { n: 2 });
    await stores.runs.appendRunEvents(waiting.id, 1, [
      { kind: 'claimed', at: new Date().toISOString() },
    ]);
    const rounds: number[] = [];
    const retention = startRetention(
      stores,
      { olderThan: '0 seconds', everyMs: 30 },
      silentLogger,
      (totals) => rounds.push(totals.jobs),
    );
    while (rounds.length < 3) await new Promise((r) => setTimeout(r, 20));
    await retention.stop();
    const count = rounds.length;
    expect(rounds[0]).toBe(1);
    expect(rounds.slice(1).every((n) => n === 0)).toBe(true);
    expect(await stores.runs.listRunEvents(done.id)).toEqual([]);
    expect((await queue.get(done.id))!.status).toBe('succeeded');
    expect(await stores.runs.listRunEvents(waiting.id)).toHaveLength(1);
    // Stopped means stopped: no round after stop().
    await new Promise((r) => setTimeout(r, 100));
    expect(rounds.length).toBe(count);
  });

  it('reads --prune-every like --older-than, with a coded error', () => {
    expect(parseAgeMs('15m', '--prune-every')).toBe(900_000);
    expect(() => parseAgeMs('soon', '--prune-every')).toThrow(
      expect.objectContaining({ code: 'INVALID_AGE' }),
    );
  });
});
