import type { FetchedConnector } from '@jobforge/registry/client';
import { CLI_VERSION } from './cli-version.js';
import { readPublicKey } from './signing-key.js';

export interface RegistryRunOptions {
  registry: string;
  trust: string[];
  allowUntrusted?: boolean;
  timeoutMs?: number;
  cacheDir?: string;
  /** The host policy: versions asking for other hosts or secrets are not resolved. */
  permissions?: { network?: string[]; secrets?: string[] };
  warn: (message: string) => void;
}

/**
 * Resolves `id@range` through the registry client (index signature checked, artifact fetched and
 * verified against its integrity, cached): the answer is what the sandbox runs as it is.
 */
export async function resolveFromRegistry(
  spec: string,
  options: RegistryRunOptions,
): Promise<FetchedConnector> {
  const { createRegistryClient } = await import('@jobforge/registry/client');
  const trustedKeys = await Promise.all(options.trust.map((path) => readPublicKey(path)));
  const client = createRegistryClient({
    registry: options.registry,
    trustedKeys,
    allowUntrusted: options.allowUntrusted ?? false,
    host: {
      jobforge: CLI_VERSION,
      ...(options.permissions ? { permissions: options.permissions } : {}),
    },
    onWarning: options.warn,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
  });
  return client.fetchConnector(spec);
}
