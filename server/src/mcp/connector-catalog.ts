import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RegistryClient } from '@jobforge/registry';
import type { ConnectorRef } from '@jobforge/runtime';
import { JobForgeError } from '@jobforge/sdk';

type JsonSchema = Record<string, unknown>;

/** One connector operation offered to agents as an MCP tool. */
export interface ConnectorTool {
  /** `<connector>__<operation>`, reduced to the characters MCP tool names allow. */
  name: string;
  connectorId: string;
  version: string;
  operation: string;
  title: string;
  description: string;
  inputSchema: JsonSchema;
  outputSchema?: JsonSchema;
  annotations: { readOnlyHint?: boolean; destructiveHint?: boolean; openWorldHint: boolean };
  /** Where the sandbox loads it from; a registry tool resolves (and refuses a yanked version) per call. */
  load(): Promise<ConnectorRef>;
}

const EFFECTS = new Set(['read', 'write', 'destructive']);

/**
 * The tools of one connector's metadata: one per `supported_job_types` entry. Hints come only from
 * what the metadata declares: `x-effects` (`{ "<operation>": "read" | "write" | "destructive" }`)
 * sets read-only and destructive hints; declared network hosts make it open-world. Without a
 * declaration the hints stay unset, which MCP clients read as "may write".
 */
export function toolsOfMetadata(
  metadata: Record<string, unknown>,
  load: () => Promise<ConnectorRef>,
): ConnectorTool[] {
  const id = String(metadata.connector_id);
  const version = String(metadata.version);
  const operations = Array.isArray(metadata.supported_job_types)
    ? (metadata.supported_job_types as unknown[]).filter((o): o is string => typeof o === 'string')
    : [];
  const input = objectSchema(metadata.input_schema) ?? { type: 'object' };
  const output = objectSchema(metadata.output_schema);
  const effects = (metadata['x-effects'] ?? {}) as Record<string, unknown>;
  const network = (metadata.permissions as { network?: unknown[] } | undefined)?.network ?? [];
  return operations.map((operation) => {
    const effect =
      typeof effects[operation] === 'string' && EFFECTS.has(effects[operation] as string)
        ? (effects[operation] as string)
        : undefined;
    return {
      name: toolName(id, operation),
      connectorId: id,
      version,
      operation,
      title: `${typeof metadata.name === 'string' ? metadata.name : id}: ${operation}`,
      description: `${typeof metadata.description === 'string' ? metadata.description : id} (connector ${id}@${version}, operation ${operation})`,
      inputSchema: input,
      ...(output ? { outputSchema: output } : {}),
      annotations: {
        ...(effect
          ? { readOnlyHint: effect === 'read', destructiveHint: effect === 'destructive' }
          : {}),
        openWorldHint: Array.isArray(network) && network.length > 0,
      },
      load,
    };
  });
}

/** Every connector folder (a folder with metadata.json) directly under `dir`. */
export async function folderCatalog(dir: string): Promise<ConnectorTool[]> {
  const root = resolve(dir);
  const entries = await readdir(root, { withFileTypes: true }).catch(() => {
    throw new JobForgeError('CONNECTORS_NOT_FOUND', `${dir} is not a readable folder`, {
      where: dir,
      hint: 'pass --connectors with the folder that holds connector folders',
    });
  });
  const tools: ConnectorTool[] = [];
  for (const entry of entries
    .filter((e) => e.isDirectory())
    .sort((a, b) => a.name.localeCompare(b.name))) {
    const folder = join(root, entry.name);
    const text = await readFile(join(folder, 'metadata.json'), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    let metadata: Record<string, unknown>;
    try {
      metadata = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new JobForgeError('INVALID_METADATA', `${folder}/metadata.json is not JSON`, {
        where: `${folder}/metadata.json`,
        hint: 'run `jobforge validate` for every problem',
      });
    }
    tools.push(...toolsOfMetadata(metadata, async () => folder));
  }
  return tools;
}

/**
 * The newest resolvable version of every connector of a signed registry. Each call resolves
 * `id@version` again against the (refreshed) index, so a version yanked after start-up is refused.
 */
export async function registryCatalog(client: RegistryClient): Promise<ConnectorTool[]> {
  const { index } = await client.load();
  const tools: ConnectorTool[] = [];
  for (const connector of index.connectors) {
    let picked: Awaited<ReturnType<RegistryClient['resolve']>>;
    try {
      picked = await client.resolve(`${connector.id}@*`);
    } catch {
      continue;
    }
    const { artifact: _artifact, yanked: _yanked, ...published } = picked.version;
    const exact = `${connector.id}@${picked.version.version}`;
    tools.push(
      ...toolsOfMetadata(
        {
          ...published,
          connector_id: connector.id,
          name: connector.name,
          description: connector.description,
        },
        async () => {
          await client.load();
          const { version } = await client.resolve(exact);
          const artifact = await client.fetchArtifact(connector.id, version);
          const { artifact: _ref, yanked: _y, ...meta } = version;
          return {
            artifact: {
              path: artifact.path,
              integrity: artifact.integrity,
              metadata: { ...meta, connector_id: connector.id, entry: artifact.path },
            },
          };
        },
      ),
    );
  }
  return tools;
}

function toolName(id: string, operation: string): string {
  return `${id}__${operation}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
}

function objectSchema(value: unknown): JsonSchema | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const schema = value as JsonSchema;
  return schema.type === 'object' ? schema : undefined;
}
