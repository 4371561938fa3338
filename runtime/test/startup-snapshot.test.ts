import { chmodSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runnerSnapshot, snapshotSupported } from '../src/runner-snapshot.js';

const privateDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'jobforge-snapshot-'));
  chmodSync(dir, 0o755);
  return dir;
};

describe.runIf(snapshotSupported())('the runner startup snapshot', () => {
  it('is built once, proven, cached under its key, and trusted only while nobody else can write it', async () => {
    const dir = privateDir();
    const first = runnerSnapshot(dir, 64);
    expect(await first.cached).toBeUndefined();
    const path = await first.ready;
    expect(path).toMatch(/runner-[0-9a-f]{32}\.blob$/);
    expect(statSync(path!).mode & 0o777).toBe(0o644);
    // A second runtime finds it at once; other heap flags are another snapshot (V8 refuses a
    // blob built under different ones).
    expect(await runnerSnapshot(dir, 64).cached).toBe(path);
    expect(await runnerSnapshot(dir, 96).cached).toBeUndefined();
    // Writable by others: not trusted (and rebuilt in place when the build is let run).
    chmodSync(path!, 0o666);
    const distrusted = runnerSnapshot(dir, 64);
    expect(await distrusted.cached).toBeUndefined();
    distrusted.cancel();
    expect(await distrusted.ready).toBeUndefined();
  }, 120_000);

  it('is never built in, nor read from, a cache folder others can write', async () => {
    const dir = privateDir();
    chmodSync(dir, 0o777);
    const snapshot = runnerSnapshot(dir, 64);
    expect(await snapshot.cached).toBeUndefined();
    expect(await snapshot.ready).toBeUndefined();
  });
});
