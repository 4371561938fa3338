import type { KeyObject } from 'node:crypto';

/**
 * The policy issuers' public keys a command trusts: `--policy-key` files, else the comma-separated
 * files of $JOBFORGE_POLICY_KEYS, else none (then every write job is refused while policy is on).
 */
export async function readPolicyKeys(flag: string[] | undefined): Promise<KeyObject[]> {
  const { readPublicKey } = await import('./signing-key.js');
  const files = flag ?? process.env.JOBFORGE_POLICY_KEYS?.split(',').filter(Boolean) ?? [];
  return Promise.all(files.map((f) => readPublicKey(f.trim())));
}
