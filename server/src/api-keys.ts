import { createHash, randomBytes } from 'node:crypto';
import type { QueueDriver } from '@jobforge/queue';
import { QueueError, toQueueError } from '@jobforge/queue';

/** An API key as stored (never its secret). */
export interface ApiKey {
  id: string;
  tenant_id: string;
  project: string | null;
  name: string;
  prefix: string;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

const KEY_FORMAT = /^jf_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

/** sha256 of the whole key: keys carry 256 random bits, so a fast hash is enough to store them. */
export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

/** The visible prefix of a well-formed key, or undefined. */
export function apiKeyPrefix(key: string): string | undefined {
  return KEY_FORMAT.exec(key)?.[1];
}

async function call<T>(driver: QueueDriver, fn: string, sql: string, params: unknown[]) {
  try {
    const rows = await driver.query<{ r: T }>(sql, params);
    return rows[0]!.r;
  } catch (error) {
    throw toQueueError(error, fn);
  }
}

/**
 * Creates a key for a tenant (and optionally a project). The key is returned once; only its hash
 * is stored.
 *
 * @example
 * const { key, record } = await createApiKey(driver, { tenantId, name: 'ci' });
 */
export async function createApiKey(
  driver: QueueDriver,
  options: { tenantId: string; name: string; project?: string },
): Promise<{ key: string; record: ApiKey }> {
  if (!options.name || options.name.length > 200) {
    throw new QueueError('INVALID_API_KEY_NAME', 'an API key name is 1-200 characters', {
      where: '--name',
    });
  }
  const prefix = randomBytes(6).toString('hex');
  const key = `jf_${prefix}_${randomBytes(32).toString('base64url')}`;
  const record = await call<ApiKey>(
    driver,
    'jobforge_create_api_key',
    'select jobforge.jobforge_create_api_key($1, $2, $3, $4, $5) as r',
    [options.tenantId, options.project ?? null, options.name, prefix, hashApiKey(key)],
  );
  return { key, record };
}

/**
 * Keys of one tenant, or of every tenant for a trusted role (newest first); with `projectId`, only
 * that project's. A session bound to a project sees only its own and may not name another.
 */
export function listApiKeys(
  driver: QueueDriver,
  tenantId?: string,
  projectId?: string,
): Promise<ApiKey[]> {
  return call(
    driver,
    'jobforge_list_api_keys',
    'select jobforge.jobforge_list_api_keys($1, $2) as r',
    [tenantId ?? null, projectId ?? null],
  );
}

/** Revokes a key by id or prefix; null when there is no such key. */
export function revokeApiKey(
  driver: QueueDriver,
  idOrPrefix: string,
  tenantId?: string,
): Promise<ApiKey | null> {
  return call(
    driver,
    'jobforge_revoke_api_key',
    'select jobforge.jobforge_revoke_api_key($1, $2) as r',
    [idOrPrefix, tenantId ?? null],
  );
}

/** The stored key a presented key matches (revoked ones included), or null. */
export async function authenticateApiKey(driver: QueueDriver, key: string): Promise<ApiKey | null> {
  if (!KEY_FORMAT.test(key)) return null;
  return call(
    driver,
    'jobforge_authenticate_api_key',
    'select jobforge.jobforge_authenticate_api_key($1) as r',
    [hashApiKey(key)],
  );
}
