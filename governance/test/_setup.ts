import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createQueueClient, type QueueDriver } from '@jobforge/queue';
import { generateSigningKeyPair } from '@jobforge/sdk';
import { loadTemplateFile } from '../src/template-file.js';
import { addTemplates } from '../src/template-store.js';

export { DRIVERS } from '../../queue/test/drivers.js';
export { until } from '../../queue/test/helpers.js';

/** Every governance flag on, as a deployment that uses them sets it. */
export const ALL_ON = {
  JOBFORGE_TEMPLATES_ENABLED: '1',
  JOBFORGE_POLICY_ENABLED: '1',
  JOBFORGE_AUDIT_ENABLED: '1',
};

export const PACK = fileURLToPath(new URL('./fixtures/settler-pack.json', import.meta.url));

/** A tenant of its own per test, the host's policy key pair, the fixture pack installed. */
export async function governed(driver: QueueDriver) {
  await addTemplates(driver, await loadTemplateFile(PACK), { actor: 'test', audit: true });
  const tenantId = randomUUID();
  const policyKey = generateSigningKeyPair();
  const hostKey = generateSigningKeyPair();
  const client = createQueueClient(driver, { tenantId });
  return { tenantId, policyKey, hostKey, client };
}
