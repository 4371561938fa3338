import { type QueueDriver, toQueueError } from '@jobforge/queue';
import {
  canonicalize,
  type DsseEnvelope,
  type KeyInput,
  keyIdOf,
  signPayload,
} from '@jobforge/sdk';
import { SYSTEM_TENANT } from './audit-append.js';

/** DSSE payload type of a signed audit checkpoint. */
export const CHECKPOINT_PAYLOAD_TYPE = 'application/vnd.jobforge.audit-checkpoint+json';

/** What a checkpoint signs: a tenant's chain head at a moment. */
export interface CheckpointStatement {
  _type: 'https://jobforge.dev/audit-checkpoint/v1';
  tenant_id: string;
  seq: number;
  head_hash: string;
  signed_at: string;
}

/**
 * Signs the current head of a tenant's chain with the host key and stores the checkpoint. Run it on
 * demand (`jobforge audit checkpoint`) and periodically (`startCheckpoints`). A chain with no rows
 * yet gets no checkpoint.
 *
 * @example
 * await signCheckpoint(driver, hostKeyPem, tenantId);
 */
export async function signCheckpoint(
  driver: QueueDriver,
  privateKey: KeyInput,
  tenantId: string | null,
): Promise<{ statement: CheckpointStatement; envelope: DsseEnvelope } | null> {
  try {
    const [{ r: head }] = (await driver.query<{
      r: { tenant_id: string; seq: number; hash: string };
    }>('select jobforge.jobforge_audit_head($1) as r', [tenantId])) as [
      { r: { tenant_id: string; seq: number; hash: string } },
    ];
    if (Number(head.seq) === 0) return null;
    const statement: CheckpointStatement = {
      _type: 'https://jobforge.dev/audit-checkpoint/v1',
      tenant_id: head.tenant_id,
      seq: Number(head.seq),
      head_hash: head.hash,
      signed_at: new Date().toISOString(),
    };
    const envelope = signPayload(CHECKPOINT_PAYLOAD_TYPE, canonicalize(statement), privateKey);
    await driver.query('select jobforge.jobforge_audit_checkpoint_add($1, $2, $3, $4, $5::jsonb)', [
      statement.tenant_id,
      statement.seq,
      statement.head_hash,
      keyIdOf(privateKey),
      JSON.stringify(envelope),
    ]);
    return { statement, envelope };
  } catch (error) {
    throw toQueueError(error, 'jobforge_audit_checkpoint_add');
  }
}

/** Signs a checkpoint of every tenant's chain (the system chain included). */
export async function signAllCheckpoints(
  driver: QueueDriver,
  privateKey: KeyInput,
): Promise<number> {
  const [{ r: tenants }] = (await driver.query<{ r: string[] }>(
    'select jobforge.jobforge_audit_tenants() as r',
  )) as [{ r: string[] }];
  let signed = 0;
  for (const tenant of tenants.length > 0 ? tenants : [SYSTEM_TENANT])
    if (await signCheckpoint(driver, privateKey, tenant)) signed++;
  return signed;
}

/**
 * Signs checkpoints of every chain every `intervalMs` (default 10 minutes) until stopped. A failed
 * round is reported to `onError` and tried again at the next tick.
 */
export function startCheckpoints(
  driver: QueueDriver,
  privateKey: KeyInput,
  options: { intervalMs?: number; onError?: (error: unknown) => void } = {},
): () => void {
  const timer = setInterval(() => {
    signAllCheckpoints(driver, privateKey).catch((error) => options.onError?.(error));
  }, options.intervalMs ?? 600_000);
  timer.unref();
  return () => clearInterval(timer);
}
