import type { KeyObject } from 'node:crypto';
import type { QueueDriver } from '@jobforge/queue';

export interface AuditDemoReport {
  lines: string[];
  ok: boolean;
}

/**
 * The audit leg of the demo, on the queue demo's database. `startAuditDemo` turns auditing on for
 * the embedded database's one session (as JOBFORGE_AUDIT_ENABLED=1 does for a host's connections),
 * so the triggers and the event the demo creates land in the tenant's hash chain;
 * `finishAuditDemo` signs a checkpoint of every chain with the host key and runs `audit verify`.
 */
export async function startAuditDemo(driver: QueueDriver): Promise<void> {
  await driver.query(`select set_config('jobforge.audit', 'on', false)`);
}

export async function finishAuditDemo(
  driver: QueueDriver,
  key: KeyObject,
  publicKey: KeyObject,
): Promise<AuditDemoReport> {
  const { signAllCheckpoints, verifyAudit } = await import('@jobforge/governance');
  const signed = await signAllCheckpoints(driver, key);
  const report = await verifyAudit(driver, { publicKeys: [publicKey] });
  const rows = report.tenants.reduce((n, t) => n + t.rows, 0);
  const actions = await driver.query<{ action: string; n: number }>(
    `select action, count(*)::int as n from jobforge.jobforge_audit_log group by action order by action`,
  );
  return {
    lines: [
      `audit: ${rows} row(s) in ${report.tenants.length} hash chain(s) (${actions.map((a) => `${a.action} ×${a.n}`).join(', ')}), ${signed} checkpoint(s) signed with the host key`,
      report.ok
        ? '`jobforge audit verify`: every chain and checkpoint holds'
        : `\`jobforge audit verify\` FAILED: ${report.problems.map((p) => p.message).join('; ')}`,
    ],
    ok: report.ok && rows > 0,
  };
}
