import { policyDenied } from '@jobforge/governance';
import { isFeatureEnabled, type QueueDriver } from '@jobforge/queue';
import { checkPolicyClaims, type KeyInput, toPublicKey, validatePolicyToken } from '@jobforge/sdk';

export interface WriteRequest {
  tenantId: string;
  projectId?: string;
  /** `connector:<id>:write` */
  action: string;
  token?: string;
}

/**
 * The policy check of a connector call that runs at once (no job, so no governor): with
 * JOBFORGE_POLICY_ENABLED on, a call that may write needs a token signed by a trusted issuer,
 * valid now, for this tenant (and project), granting the action, and not revoked — the checks
 * the governor makes at enqueue. Throws POLICY_DENIED with the failed check as `reason`.
 *
 * @example
 * const authorize = createWriteCheck([issuerPem]);
 * await authorize(driver, { tenantId, action: 'connector:http-request:write', token });
 */
export function createWriteCheck(policyKeys: KeyInput[]) {
  const keys = policyKeys.map((k) => toPublicKey(k));
  return async (driver: QueueDriver, request: WriteRequest): Promise<void> => {
    if (!isFeatureEnabled('policy')) return;
    const { action } = request;
    if (!request.token)
      throw policyDenied(
        'POLICY_REQUIRED',
        `this tool may write: the call needs a policy token granting "${action}" (the server's JOBFORGE_POLICY_TOKEN or the request's JobForge-Policy-Token header)`,
        action,
      );
    const signed = await validatePolicyToken(request.token, { keys });
    const result = signed.ok
      ? checkPolicyClaims(signed.claims, {
          tenantId: request.tenantId,
          ...(request.projectId ? { projectId: request.projectId } : {}),
          action,
        })
      : signed;
    if (!result.ok) throw policyDenied(result.code, result.message, action);
    const rows = await driver.query<{ r: string[] }>(
      'select jobforge.jobforge_policy_revoked($1) as r',
      [[result.claims.jti]],
    );
    if ((rows[0]?.r ?? []).length > 0)
      throw policyDenied('POLICY_REVOKED', `policy token ${result.claims.jti} was revoked`, action);
  };
}
