import { readFileSync } from 'node:fs';
import { loadConnectorArtifact } from './load-connector-artifact.js';
import type { LoadedConnector } from './load-connector-dir.js';
import { readPublicKey } from './signing-key.js';

export interface RegistryRunOptions {
  registry: string;
  trust: string[];
  allowUntrusted?: boolean;
  timeoutMs?: number;
  cacheDir?: string;
  warn: (message: string) => void;
}

const { version: jobforgeVersion } = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
) as { version: string };

/**
 * Resolves `id@range` through the registry client (signature checked, artifact verified and
 * cached), then loads the artifact in this process.
 */
export async function loadFromRegistry(
  spec: string,
  options: RegistryRunOptions,
): Promise<LoadedConnector & { integrity: string }> {
  const { createRegistryClient } = await import('@jobforge/registry');
  const trustedKeys = await Promise.all(options.trust.map((path) => readPublicKey(path)));
  const client = createRegistryClient({
    registry: options.registry,
    trustedKeys,
    allowUntrusted: options.allowUntrusted ?? false,
    host: { jobforge: jobforgeVersion },
    onWarning: options.warn,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
  });
  const { connector, version } = await client.resolve(spec);
  const artifact = await client.fetchArtifact(connector.id, version);
  const { artifact: _artifact, version: v, ...metadata } = version;
  const loaded = await loadConnectorArtifact(artifact.path, {
    ...metadata,
    id: connector.id,
    version: v,
    supported_job_types: version.supported_job_types,
  });
  return { ...loaded, integrity: artifact.integrity };
}
