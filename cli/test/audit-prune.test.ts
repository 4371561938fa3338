import { randomUUID } from 'node:crypto';
import { listAudit, SYSTEM_TENANT, verifyAudit } from '@jobforge/governance';
import { createPgliteDriver, migrate, type QueueDriver } from '@jobforge/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPrune } from '../src/runs/audit-prune.js';
import type { PruneTotals } from '../src/runs/prune-runs.js';

const totals: PruneTotals = {
  jobs: 3,
  attempts: 3,
  results: 3,
  events: 12,
  manifests: 3,
  blobs: 2,
  files: 1,
  dry_run: false,
  batches: 1,
};
const ON = { JOBFORGE_AUDIT_ENABLED: '1' };

describe('jobforge prune in the audit chain', () => {
  let driver: QueueDriver;
  beforeAll(async () => {
    driver = await createPgliteDriver();
    await migrate(driver);
  });
  afterAll(() => driver.close());

  it('appends runs.prune with what was removed, to the tenant’s chain or the system chain', async () => {
    const tenantId = randomUUID();
    await auditPrune(driver, totals, { tenantId, olderThan: '30d', statuses: ['dead'], env: ON });
    await auditPrune(driver, totals, { olderThan: '7d', env: ON });
    const [row] = await listAudit(driver, { tenantId, action: 'runs.prune' });
    expect(row).toMatchObject({
      target: `tenant:${tenantId}`,
      details: { older_than: '30d', statuses: ['dead'], jobs: 3, events: 12, files: 1 },
    });
    expect(row!.actor).toMatch(/^cli:/);
    const [all] = await listAudit(driver, { tenantId: SYSTEM_TENANT, action: 'runs.prune' });
    expect(all).toMatchObject({ target: 'all-tenants', details: { older_than: '7d' } });
    expect((await verifyAudit(driver, { publicKeys: [] })).ok).toBe(true);
  });

  it('writes nothing for a dry run or with the feature off', async () => {
    const tenantId = randomUUID();
    await auditPrune(driver, { ...totals, dry_run: true }, { tenantId, olderThan: '1d', env: ON });
    await auditPrune(driver, totals, { tenantId, olderThan: '1d', env: {} });
    expect(await listAudit(driver, { tenantId })).toEqual([]);
  });
});
