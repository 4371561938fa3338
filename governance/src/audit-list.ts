import { type QueueDriver, toQueueError } from '@jobforge/queue';

export interface AuditRow {
  tenant_id: string;
  seq: number;
  project_id: string | null;
  actor: string;
  action: string;
  target: string | null;
  decision: 'allowed' | 'denied' | null;
  correlation_id: string | null;
  details: Record<string, unknown> | null;
  created_at: string;
  hash: string;
}

export interface AuditFilter {
  tenantId?: string;
  projectId?: string;
  actor?: string;
  /** An action, or a prefix ending in `*` (`policy.*`). */
  action?: string;
  since?: Date | string;
  until?: Date | string;
  beforeSeq?: number;
  limit?: number;
}

/** Audit rows newest first; a tenant's session sees only its own (RLS and the function agree). */
export async function listAudit(
  driver: QueueDriver,
  filter: AuditFilter = {},
): Promise<AuditRow[]> {
  const f: Record<string, unknown> = {};
  if (filter.projectId) f.project_id = filter.projectId;
  if (filter.actor) f.actor = filter.actor;
  if (filter.action) f.action = filter.action;
  if (filter.since) f.since = new Date(filter.since).toISOString();
  if (filter.until) f.until = new Date(filter.until).toISOString();
  if (filter.beforeSeq) f.before_seq = filter.beforeSeq;
  if (filter.limit) f.limit = filter.limit;
  try {
    const rows = await driver.query<{ r: AuditRow[] }>(
      'select jobforge.jobforge_audit_list($1::jsonb, $2) as r',
      [JSON.stringify(f), filter.tenantId ?? null],
    );
    return rows[0]!.r;
  } catch (error) {
    throw toQueueError(error, 'jobforge_audit_list');
  }
}
