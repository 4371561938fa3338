import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { QueueDriver } from '@jobforge/queue';
import type { LoadedRun } from '@jobforge/runtime';
import { JobForgeError } from '@jobforge/sdk';
import { DEV_KEY_DIR, readPublicKey } from '../signing-key.js';
import { openRunStores } from './run-stores.js';

export interface RunLookup {
  tenant?: string;
  artifactsDir?: string;
  /** The host's public key (PEM); default `.jobforge/keys/public.pem` when it exists. */
  publicKey?: string;
}

/**
 * A run's record with its artifacts read and checked. A run that does not exist, or exists for
 * another tenant, is RUN_NOT_FOUND: never someone else's data.
 */
export async function readRunRecord(
  driver: QueueDriver,
  runId: string,
  lookup: RunLookup = {},
): Promise<LoadedRun> {
  const { requireFeature } = await import('@jobforge/queue');
  requireFeature('runs');
  const { loadRun } = await import('@jobforge/runtime');
  const { runs, stores } = await openRunStores(driver, {
    ...(lookup.tenant ? { tenantId: lookup.tenant } : {}),
    ...(lookup.artifactsDir ? { artifactsDir: lookup.artifactsDir } : {}),
  });
  const record = await runs.getRunManifest(runId);
  if (!record)
    throw new JobForgeError(
      'RUN_NOT_FOUND',
      `no recorded run ${runId}${lookup.tenant ? ` for tenant ${lookup.tenant}` : ''}`,
      {
        where: runId,
        hint: 'runs are recorded by a worker started with JOBFORGE_RUNS_ENABLED=1; `jobforge jobs list` shows job ids',
      },
    );
  const keyPath = lookup.publicKey ?? join(DEV_KEY_DIR, 'public.pem');
  const key = lookup.publicKey || existsSync(keyPath) ? await readPublicKey(keyPath) : undefined;
  return loadRun(record, stores, key);
}
