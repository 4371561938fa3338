import { type QueueDriver, toQueueError } from '@jobforge/queue';

/**
 * Revokes a policy token by its id (`jti`) for a tenant: enqueues with it are refused and jobs
 * already holding its grant fail at claim with POLICY_DENIED. False when it was revoked already.
 *
 * @example
 * await revokeToken(driver, claims.jti, tenantId, { actor: 'ops', reason: 'leaked', audit: true });
 */
export async function revokeToken(
  driver: QueueDriver,
  tokenId: string,
  tenantId: string,
  options: { actor: string; reason?: string; audit: boolean },
): Promise<boolean> {
  try {
    const rows = await driver.query<{ r: boolean }>(
      'select jobforge.jobforge_policy_revoke($1, $2, $3, $4, $5) as r',
      [tokenId, tenantId, options.actor, options.reason ?? null, options.audit],
    );
    return rows[0]!.r;
  } catch (error) {
    throw toQueueError(error, 'jobforge_policy_revoke');
  }
}
