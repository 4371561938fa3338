import { readFileSync } from 'node:fs';
import type { ConnectorArtifact } from '@jobforge/runtime';
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

const { version: jobforgeVersion } = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
) as { version: string };

/**
 * Resolves `id@range` through the registry client (index signature checked, artifact fetched and
 * verified against its integrity, cached) and answers what the sandbox runs: the artifact file,
 * its integrity (checked again before loading) and the metadata the index published for it.
 */
export async function resolveFromRegistry(
  spec: string,
  options: RegistryRunOptions,
): Promise<{ artifact: ConnectorArtifact }> {
  const { createRegistryClient } = await import('@jobforge/registry');
  const trustedKeys = await Promise.all(options.trust.map((path) => readPublicKey(path)));
  const client = createRegistryClient({
    registry: options.registry,
    trustedKeys,
    allowUntrusted: options.allowUntrusted ?? false,
    host: {
      jobforge: jobforgeVersion,
      ...(options.permissions ? { permissions: options.permissions } : {}),
    },
    onWarning: options.warn,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
  });
  const { connector, version } = await client.resolve(spec);
  const artifact = await client.fetchArtifact(connector.id, version);
  const { artifact: _ref, yanked: _yanked, ...published } = version;
  return {
    artifact: {
      path: artifact.path,
      integrity: artifact.integrity,
      metadata: { ...published, connector_id: connector.id, entry: artifact.path },
    },
  };
}
