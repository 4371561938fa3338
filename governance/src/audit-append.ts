import { type QueueDriver, toQueueError } from '@jobforge/queue';

/** One audit event. The database adds tenant, seq, time and the chain hashes. */
export interface AuditEntry {
  actor: string;
  /** `job.requested`, `policy.decision`, `policy.revoke`, `template.add`, `job.cancel`, … */
  action: string;
  target?: string;
  decision?: 'allowed' | 'denied';
  correlation_id?: string;
  project_id?: string;
  details?: Record<string, unknown>;
}

/** The chain that holds database-wide events (template changes): the nil tenant. */
export const SYSTEM_TENANT = '00000000-0000-0000-0000-000000000000';

/**
 * Appends entries to a tenant's chain in one transaction (trusted roles only); returns the seq of
 * the last row. Without a tenant they go to the system chain.
 *
 * @example
 * await appendAudit(driver, tenantId, [{ actor: 'ops', action: 'job.cancel', target: 'job:42' }]);
 */
export async function appendAudit(
  driver: QueueDriver,
  tenantId: string | null,
  entries: AuditEntry[],
): Promise<number> {
  if (entries.length === 0) return 0;
  try {
    const rows = await driver.query<{ r: string }>(
      'select jobforge.jobforge_audit_append($1::jsonb, $2) as r',
      [JSON.stringify(entries), tenantId],
    );
    return Number(rows[0]!.r);
  } catch (error) {
    throw toQueueError(error, 'jobforge_audit_append');
  }
}
