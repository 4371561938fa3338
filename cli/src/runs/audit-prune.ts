import { userInfo } from 'node:os';
import { appendAudit } from '@jobforge/governance';
import { type FeatureEnv, isFeatureEnabled, type QueueDriver } from '@jobforge/queue';
import type { PruneTotals } from './prune-runs.js';

/**
 * With the audit feature on, records a prune (not a dry run) in the audit chain: the tenant's,
 * or the system chain when the prune spanned every tenant. Appended once the prune is done, with
 * what it removed.
 */
export async function auditPrune(
  driver: QueueDriver,
  totals: PruneTotals,
  opts: { tenantId?: string; olderThan: string; statuses?: string[]; env?: FeatureEnv },
): Promise<void> {
  if (totals.dry_run || !isFeatureEnabled('audit', opts.env ?? process.env)) return;
  await appendAudit(driver, opts.tenantId ?? null, [
    {
      actor: `cli:${userInfo().username}`,
      action: 'runs.prune',
      target: opts.tenantId ? `tenant:${opts.tenantId}` : 'all-tenants',
      details: {
        older_than: opts.olderThan,
        ...(opts.statuses ? { statuses: opts.statuses } : {}),
        jobs: totals.jobs,
        attempts: totals.attempts,
        results: totals.results,
        events: totals.events,
        manifests: totals.manifests,
        blobs: totals.blobs,
        files: totals.files,
      },
    },
  ]);
}
