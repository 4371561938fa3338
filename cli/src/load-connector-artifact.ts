import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type ConnectorFn, JobForgeError } from '@jobforge/sdk';
import type { LoadedConnector } from './load-connector-dir.js';

/** What the index says about the version an artifact belongs to. */
export interface ArtifactIdentity {
  id: string;
  version: string;
  supported_job_types: string[];
  [field: string]: unknown;
}

/**
 * Loads a bundled artifact (already checked against its integrity by the registry client) in this
 * process, the sibling of loadConnectorDir for connectors that come from a registry.
 */
export async function loadConnectorArtifact(
  path: string,
  identity: ArtifactIdentity,
): Promise<LoadedConnector> {
  const { id, version, supported_job_types, ...rest } = identity;
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (cause) {
    throw new JobForgeError(
      'ENTRY_LOAD_FAILED',
      `the artifact of ${id}@${version} failed to load: ${(cause as Error)?.message ?? cause}`,
      { where: path, cause },
    );
  }
  if (typeof module.default !== 'function')
    throw new JobForgeError(
      'ENTRY_NOT_A_FUNCTION',
      `the artifact of ${id}@${version} does not default-export a function`,
      { where: path, hint: 'rebuild the registry; its build checks the default export' },
    );
  return {
    dir: dirname(path),
    metadata: { ...rest, connector_id: id, version, entry: path, supported_job_types },
    fn: module.default as ConnectorFn,
  };
}
