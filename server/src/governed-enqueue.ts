import { createGovernor, type GovernedEnqueueOptions, type Governor } from '@jobforge/governance';
import { createQueueClient } from '@jobforge/queue';
import type { KeyInput } from '@jobforge/sdk';
import type { ApiKey } from './api-keys.js';
import type { TenantSessions } from './tenant-sessions.js';

/** The request header that carries a policy token (a compact JWT from `jobforge policy issue`). */
export const POLICY_TOKEN_HEADER = 'JobForge-Policy-Token';

export type GovernedEnqueue = (
  key: ApiKey,
  type: string,
  payload: unknown,
  options: GovernedEnqueueOptions,
) => Promise<{ id: string; created: boolean }>;

/**
 * Enqueue for the HTTP API and MCP, through the same governor the CLI's `enqueue` uses: with
 * JOBFORGE_POLICY_ENABLED on, a write job needs a token granting it (POLICY_DENIED otherwise, and
 * an audit row when auditing is on); with every governance flag off it is the plain enqueue. One
 * governor per tenant, so its verified-token cache survives between requests.
 *
 * @example
 * const enqueue = createGovernedEnqueue(sessions, [issuerPublicPem]);
 * await enqueue(apiKey, 'invoice.refund', payload, { token });
 */
export function createGovernedEnqueue(
  sessions: TenantSessions,
  policyKeys: KeyInput[],
): GovernedEnqueue {
  const governors = new Map<string, Governor>();
  return (key, type, payload, options) => {
    let governor = governors.get(key.tenant_id);
    if (!governor) {
      if (governors.size >= 1000) governors.clear();
      governor = createGovernor({
        client: createQueueClient(sessions.forTenant(key.tenant_id)),
        tenantId: key.tenant_id,
        policyKeys,
      });
      governors.set(key.tenant_id, governor);
    }
    return governor.enqueue(type, payload, {
      ...options,
      tenantId: key.tenant_id,
      actor: options.actor ?? `apikey:${key.prefix}`,
    });
  };
}
