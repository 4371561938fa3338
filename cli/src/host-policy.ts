import { JobForgeError } from '@jobforge/sdk';

/** What a host allows a connector resolved from a registry to ask for. */
export interface HostPermissions {
  network?: string[];
  secrets?: string[];
}

/**
 * The host policy of `jobforge run --registry`: `--policy FILE` (JSON `{ "network": [...],
 * "secrets": [...] }`) and `--allow-hosts` (which replaces the file's `network`). Versions asking
 * for more are not resolved. Undefined when neither flag was given.
 */
export async function readHostPolicy(
  policyFile: string | undefined,
  allowHosts: string[] | undefined,
): Promise<HostPermissions | undefined> {
  let permissions: HostPermissions | undefined;
  if (policyFile !== undefined) {
    const { readJsonArg } = await import('./io/read-json-arg.js');
    const value = (await readJsonArg(`@${policyFile}`, '--policy')) as Record<string, unknown>;
    const list = (name: 'network' | 'secrets'): string[] | undefined => {
      const items = value?.[name];
      if (items === undefined) return undefined;
      if (!Array.isArray(items) || !items.every((i) => typeof i === 'string' && i.length <= 253))
        throw new JobForgeError('INVALID_FLAG', `--policy: "${name}" must be a list of names`, {
          where: policyFile,
          hint: 'write it as { "network": ["api.example.com", "*.example.org"], "secrets": ["API_TOKEN"] }',
        });
      return items as string[];
    };
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new JobForgeError('INVALID_FLAG', '--policy must hold a JSON object', {
        where: policyFile,
      });
    const network = list('network');
    const secrets = list('secrets');
    permissions = { ...(network ? { network } : {}), ...(secrets ? { secrets } : {}) };
  }
  if (allowHosts !== undefined) {
    const hosts = allowHosts
      .flatMap((h) => h.split(','))
      .map((h) => h.trim())
      .filter(Boolean);
    permissions = { ...permissions, network: hosts };
  }
  return permissions;
}
