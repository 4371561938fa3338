import { readFile } from 'node:fs/promises';
import { JobForgeError } from '@jobforge/sdk';
import type { WebhookSource } from './webhook-route.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SCHEMES = new Set(['standard-webhooks', 'github', 'stripe']);

/**
 * Reads webhook sources from a JSON file: `{ "<source>": { "tenant_id", "scheme", "secret_env":
 * ["VAR", …], "tolerance_seconds"?, "project_id"? } }`. Secrets are named by environment variable,
 * never written in the file.
 *
 * @example
 * const sources = await loadWebhookSources('webhooks.json');
 */
export async function loadWebhookSources(
  path: string,
  env: Record<string, string | undefined> = process.env,
): Promise<Record<string, WebhookSource>> {
  const fail = (message: string, where = path): never => {
    throw new JobForgeError('INVALID_WEBHOOK_CONFIG', message, {
      where,
      hint: 'see docs/api.md#webhooks for the format',
    });
  };
  const text = await readFile(path, 'utf8').catch(() => fail(`cannot read ${path}`));
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    fail(`${path} is not JSON`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    fail('the file must hold an object of sources');
  const out: Record<string, WebhookSource> = {};
  for (const [name, value] of Object.entries(raw as Record<string, Record<string, unknown>>)) {
    const where = `${path}#/${name}`;
    if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(name))
      fail(`source "${name}" must be a-z, 0-9, _ and -`, where);
    if (typeof value?.tenant_id !== 'string' || !UUID.test(value.tenant_id))
      fail('tenant_id must be a UUID', where);
    if (typeof value.scheme !== 'string' || !SCHEMES.has(value.scheme))
      fail(`scheme must be one of ${[...SCHEMES].join(', ')}`, where);
    const names = Array.isArray(value.secret_env) ? value.secret_env : [value.secret_env];
    const secrets = names.map((variable) => {
      const secret = typeof variable === 'string' ? env[variable] : undefined;
      if (!secret) fail(`secret_env names ${JSON.stringify(variable)}, which is not set`, where);
      return secret as string;
    });
    out[name] = {
      tenantId: value.tenant_id as string,
      scheme: value.scheme as WebhookSource['scheme'],
      secrets,
      ...(typeof value.tolerance_seconds === 'number'
        ? { toleranceSeconds: value.tolerance_seconds }
        : {}),
      ...(typeof value.project_id === 'string' ? { projectId: value.project_id } : {}),
    };
  }
  return out;
}
