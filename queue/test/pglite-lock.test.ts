import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPgliteDriver } from '../src/pglite-driver.js';

describe('embedded database folder lock', () => {
  it('refuses a second driver on the same folder while the first is open, and frees it on close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jobforge-pglite-lock-'));
    const first = await createPgliteDriver({ dataDir: dir });
    await expect(createPgliteDriver({ dataDir: dir })).rejects.toMatchObject({
      code: 'QUEUE_DATA_DIR_IN_USE',
    });
    await first.close();
    const again = await createPgliteDriver({ dataDir: dir });
    await again.close();
    // A folder locked by another live process (our parent here) is refused as well.
    const owned = mkdtempSync(join(tmpdir(), 'jobforge-pglite-lock-'));
    writeFileSync(join(owned, '.jobforge-lock'), String(process.ppid));
    await expect(createPgliteDriver({ dataDir: owned })).rejects.toMatchObject({
      code: 'QUEUE_DATA_DIR_IN_USE',
    });
  });

  it('takes over a lock whose process is gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jobforge-pglite-lock-'));
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    writeFileSync(join(dir, '.jobforge-lock'), gone.stdout);
    const driver = await createPgliteDriver({ dataDir: dir });
    await driver.close();
  });
});
