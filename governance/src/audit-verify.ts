import { createHash } from 'node:crypto';
import { type QueueDriver, toQueueError } from '@jobforge/queue';
import { type KeyInput, verifyEnvelope } from '@jobforge/sdk';
import { CHECKPOINT_PAYLOAD_TYPE, type CheckpointStatement } from './audit-checkpoint.js';

/** One break in a chain: which tenant, which row, what is wrong. */
export interface AuditProblem {
  code:
    | 'AUDIT_ROW_ALTERED'
    | 'AUDIT_ROW_MISSING'
    | 'AUDIT_CHAIN_BROKEN'
    | 'AUDIT_CHECKPOINT_INVALID'
    | 'AUDIT_CHECKPOINT_MISMATCH';
  tenant_id: string;
  seq: number;
  message: string;
}

export interface AuditVerifyReport {
  ok: boolean;
  tenants: { tenant_id: string; rows: number; head: string; checkpoints: number }[];
  problems: AuditProblem[];
}

const GENESIS = '0'.repeat(64);
const PAGE = 10_000;
/** Problems reported per tenant at most: a wholesale rewrite should not print a million lines. */
const MAX_PROBLEMS = 100;

/**
 * Walks each tenant's chain from its first row: every row's hash must be sha256(prev_hash ||
 * canonical text), every prev_hash the hash before it, seqs contiguous from 1. Then every
 * checkpoint must carry a valid signature by one of `publicKeys` and name a head the chain has.
 * A deleted row shows as a gap, an inserted or altered one as a hash that does not hold.
 *
 * @example
 * const report = await verifyAudit(driver, { publicKeys: [hostPublicPem] });
 * if (!report.ok) for (const p of report.problems) console.log(p.tenant_id, p.seq, p.message);
 */
export async function verifyAudit(
  driver: QueueDriver,
  options: { publicKeys: KeyInput[]; tenantId?: string },
): Promise<AuditVerifyReport> {
  try {
    const tenants = options.tenantId
      ? [options.tenantId]
      : ((await driver.query<{ r: string[] }>('select jobforge.jobforge_audit_tenants() as r'))[0]!
          .r ?? []);
    const report: AuditVerifyReport = { ok: true, tenants: [], problems: [] };
    for (const tenant of tenants) {
      const problems: AuditProblem[] = [];
      const add = (p: AuditProblem) => {
        if (problems.length < MAX_PROBLEMS) problems.push(p);
      };
      const hashes = new Map<number, string>();
      let expectSeq = 1;
      let prev = GENESIS;
      let rows = 0;
      for (;;) {
        const page = (
          await driver.query<{ r: [number | string, string, string, string][] }>(
            'select jobforge.jobforge_audit_chain($1, $2, $3) as r',
            [tenant, expectSeq - 1, PAGE],
          )
        )[0]!.r;
        for (const [rawSeq, prevHash, hash, canon] of page) {
          const seq = Number(rawSeq);
          if (seq !== expectSeq)
            add({
              code: 'AUDIT_ROW_MISSING',
              tenant_id: tenant,
              seq: expectSeq,
              message: `rows ${expectSeq}..${seq - 1} are missing (deleted?)`,
            });
          if (prevHash !== prev)
            add({
              code: 'AUDIT_CHAIN_BROKEN',
              tenant_id: tenant,
              seq,
              message: `row ${seq} links to ${prevHash.slice(0, 12)}…, but the row before it hashes to ${prev.slice(0, 12)}…`,
            });
          const actual = createHash('sha256').update(prevHash).update(canon).digest('hex');
          if (actual !== hash)
            add({
              code: 'AUDIT_ROW_ALTERED',
              tenant_id: tenant,
              seq,
              message: `row ${seq} does not match its hash: its content was changed after it was written`,
            });
          hashes.set(seq, hash);
          prev = hash;
          expectSeq = seq + 1;
          rows++;
        }
        if (page.length < PAGE) break;
      }
      const checkpoints = (
        await driver.query<{
          r: { seq: number; head_hash: string; key_id: string; envelope: unknown }[];
        }>('select jobforge.jobforge_audit_checkpoints_list($1) as r', [tenant])
      )[0]!.r;
      for (const cp of checkpoints) {
        const seq = Number(cp.seq);
        const verified = verifyEnvelope(cp.envelope, CHECKPOINT_PAYLOAD_TYPE, options.publicKeys);
        if (!verified.ok) {
          add({
            code: 'AUDIT_CHECKPOINT_INVALID',
            tenant_id: tenant,
            seq,
            message: `the checkpoint at row ${seq} does not verify: ${verified.message}`,
          });
          continue;
        }
        const statement = JSON.parse(verified.statement) as CheckpointStatement;
        if (
          statement.tenant_id !== tenant ||
          statement.seq !== seq ||
          statement.head_hash !== cp.head_hash
        ) {
          add({
            code: 'AUDIT_CHECKPOINT_INVALID',
            tenant_id: tenant,
            seq,
            message: `the checkpoint row at ${seq} differs from what its signature covers`,
          });
          continue;
        }
        const have = hashes.get(seq);
        if (have !== statement.head_hash)
          add({
            code: 'AUDIT_CHECKPOINT_MISMATCH',
            tenant_id: tenant,
            seq,
            message:
              have === undefined
                ? `a checkpoint signed at ${statement.signed_at} covers ${seq} rows, but row ${seq} is gone (rows deleted at the end?)`
                : `the chain at row ${seq} is not the one signed at ${statement.signed_at} (rewritten?)`,
          });
      }
      report.tenants.push({ tenant_id: tenant, rows, head: prev, checkpoints: checkpoints.length });
      report.problems.push(...problems);
    }
    report.ok = report.problems.length === 0;
    return report;
  } catch (error) {
    throw toQueueError(error, 'verifyAudit');
  }
}
