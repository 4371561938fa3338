import { existsSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { type ConnectorFn, isJobForgeError, JobForgeError } from '@jobforge/sdk';
import { parseJson } from './io/parse-json.js';
import { readText } from './io/read-text.js';

/** The parts of metadata.json that running a connector needs. */
export interface ConnectorIdentity {
  connector_id: string;
  version: string;
  entry: string;
  supported_job_types: string[];
}

export interface LoadedConnector {
  dir: string;
  metadata: ConnectorIdentity & Record<string, unknown>;
  fn: ConnectorFn;
  /** The artifact's SRI integrity, when loaded from a registry; recorded in the evidence. */
  integrity?: string;
}

/** Reads a connector folder's metadata.json, checking only what is needed to run it. */
export async function readConnectorIdentity(
  dir: string,
): Promise<ConnectorIdentity & Record<string, unknown>> {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new JobForgeError('CONNECTOR_NOT_FOUND', `${dir} is not a connector folder`, {
      where: dir,
      hint: 'pass a folder that holds metadata.json',
    });
  }
  const metaPath = join(root, 'metadata.json');
  if (!existsSync(metaPath)) {
    throw new JobForgeError('CONNECTOR_NOT_FOUND', `${dir} has no metadata.json`, {
      where: metaPath,
      hint: 'create one with `jobforge create <id>`',
    });
  }
  const metadata = parseJson(
    await readText(metaPath, 'metadata'),
    metaPath,
    'INVALID_METADATA',
  ) as Record<string, unknown>;
  const fail = (field: string, expected: string): never => {
    throw new JobForgeError('INVALID_METADATA', `${metaPath}: ${field} must be ${expected}`, {
      where: `${metaPath}#/${field}`,
      hint: 'run `jobforge validate` for every problem',
    });
  };
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
    fail('the document', 'a JSON object');
  if (typeof metadata.connector_id !== 'string' || !metadata.connector_id)
    fail('connector_id', 'a non-empty string');
  if (typeof metadata.version !== 'string' || !metadata.version) fail('version', 'a semver string');
  const entry = metadata.entry ?? 'src/index.ts';
  if (typeof entry !== 'string') fail('entry', 'a relative path to the entry module');
  const jobTypes = metadata.supported_job_types ?? [];
  if (!Array.isArray(jobTypes) || jobTypes.some((t) => typeof t !== 'string'))
    fail('supported_job_types', 'an array of strings');
  return {
    ...metadata,
    connector_id: metadata.connector_id as string,
    version: metadata.version as string,
    entry: entry as string,
    supported_job_types: jobTypes as string[],
  };
}

/**
 * Loads a connector folder in this process (no sandbox): metadata, then its entry's default export.
 * The entry must stay inside the folder.
 */
export async function loadConnectorDir(dir: string): Promise<LoadedConnector> {
  const metadata = await readConnectorIdentity(dir);
  const root = resolve(dir);
  const entryPath = resolve(root, metadata.entry);
  const inside = relative(root, entryPath);
  if (inside.startsWith(`..${sep}`) || inside === '..' || resolve(inside) === inside) {
    throw new JobForgeError(
      'INVALID_METADATA',
      `entry ${metadata.entry} points outside the connector folder`,
      { where: `${join(root, 'metadata.json')}#/entry` },
    );
  }
  if (!existsSync(entryPath)) {
    throw new JobForgeError(
      'ENTRY_NOT_FOUND',
      `the entry ${metadata.entry} of ${metadata.connector_id} does not exist`,
      {
        where: entryPath,
        hint: 'create it, or point metadata.json "entry" at the module that default-exports the connector',
      },
    );
  }
  let module: { default?: unknown };
  try {
    const { importEntry } = await import('@jobforge/toolkit');
    module = (await importEntry(entryPath, root)) as { default?: unknown };
  } catch (cause) {
    if (isJobForgeError(cause)) throw cause;
    throw new JobForgeError(
      'ENTRY_LOAD_FAILED',
      `the entry ${metadata.entry} of ${metadata.connector_id} failed to load: ${(cause as Error)?.message ?? cause}`,
      { where: entryPath, cause },
    );
  }
  if (typeof module.default !== 'function') {
    throw new JobForgeError(
      'ENTRY_NOT_A_FUNCTION',
      `the entry ${metadata.entry} of ${metadata.connector_id} does not default-export a function`,
      {
        where: entryPath,
        hint: 'end the module with `export default defineConnector(async (params) => { ... })`',
      },
    );
  }
  return { dir: root, metadata, fn: module.default as ConnectorFn };
}
