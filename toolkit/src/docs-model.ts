import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IndexConnector } from '@jobforge/registry';
import type { GoldenCases } from './generated/golden.js';
import type { ConnectorMetadata } from './generated/metadata.js';
import { type SchemaRow, schemaRows } from './schema-rows.js';

/** What a connector's docs page and its catalog entry show. */
export interface ConnectorDoc {
  id: string;
  name: string;
  description: string;
  version: string;
  status: string;
  maturity: string;
  license: string;
  tags: string[];
  deprecated?: { message?: string; replacement?: string };
  jobTypes: string[];
  capabilities: string[];
  input: SchemaRow[];
  output: SchemaRow[];
  auth: { required: boolean; methods: string[]; storage: string };
  permissions: { network: string[]; secrets: string[] };
  engines: { jobforge?: string; node?: string };
  rateLimits: Record<string, unknown>;
  failureModes: Record<string, unknown>[];
  examples: { name: string; operation: string; input: string; output?: string; error?: string }[];
  versions: {
    version: string;
    status: string;
    yanked: boolean;
    deprecated: boolean;
    published?: string;
    integrity?: string;
    size?: number;
  }[];
}

/**
 * Gathers a connector's page data from its metadata.json, its golden cases (the examples) and, when
 * a registry index is given, its published versions. Pure data: rendering is the templates' job.
 */
export async function connectorDoc(
  dir: string,
  meta: ConnectorMetadata,
  published?: IndexConnector,
): Promise<ConnectorDoc> {
  const raw = meta as unknown as Record<string, unknown>;
  const golden = await readGolden(join(dir, 'test', 'golden.json'));
  const deprecated = meta.deprecated;
  return {
    id: meta.connector_id,
    name: meta.name,
    description: meta.description,
    version: meta.version,
    status: meta.status,
    maturity: meta.maturity,
    license: typeof raw.license === 'string' ? raw.license : 'unspecified',
    tags: Array.isArray(raw.tags) ? (raw.tags as string[]) : [],
    ...(deprecated ? { deprecated: typeof deprecated === 'object' ? deprecated : {} } : {}),
    jobTypes: meta.supported_job_types,
    capabilities: Object.entries(meta.capabilities)
      .filter(([, on]) => on === true)
      .map(([name]) => name),
    input: schemaRows(meta.input_schema),
    output: schemaRows(meta.output_schema),
    auth: {
      required: meta.auth.required,
      methods: meta.auth.methods,
      storage: meta.auth.credentials_storage,
    },
    permissions: {
      network: (raw.permissions as { network?: string[] } | undefined)?.network ?? [],
      secrets: (raw.permissions as { secrets?: string[] } | undefined)?.secrets ?? [],
    },
    engines: (raw.engines as ConnectorDoc['engines']) ?? {},
    rateLimits: meta.rate_limits as unknown as Record<string, unknown>,
    failureModes: meta.failure_modes as unknown as Record<string, unknown>[],
    examples: (golden?.cases ?? []).map((c) => ({
      name: c.name,
      operation: c.operation ?? meta.supported_job_types[0] ?? '',
      input: JSON.stringify(c.input, null, 2),
      ...(c.expected_output !== undefined
        ? { output: JSON.stringify(c.expected_output, null, 2) }
        : {}),
      ...(c.expected_error ? { error: c.expected_error.code } : {}),
    })),
    versions: published
      ? published.versions.map((v) => ({
          version: v.version,
          status: v.status,
          yanked: v.yanked,
          deprecated: v.deprecated !== false,
          ...(typeof v.published_at === 'string' ? { published: v.published_at } : {}),
          integrity: v.artifact.integrity,
          size: v.artifact.size,
        }))
      : [
          {
            version: meta.version,
            status: meta.status,
            yanked: false,
            deprecated: Boolean(deprecated),
          },
        ],
  };
}

async function readGolden(path: string): Promise<GoldenCases | undefined> {
  try {
    const value = JSON.parse(await readFile(path, 'utf8')) as GoldenCases;
    return Array.isArray(value?.cases) ? value : undefined;
  } catch {
    return undefined;
  }
}
