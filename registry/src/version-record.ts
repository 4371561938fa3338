import type { ArtifactRef, IndexVersion } from './index-format.js';

// Fields that say who a connector is or where its source was: the index has them elsewhere or not at all.
const OMITTED = new Set(['$schema', 'connector_id', 'version', 'entry']);
// Fields a host chooses by come first, in this order; the rest follow sorted, for stable bytes.
const LEADING = [
  'status',
  'maturity',
  'deprecated',
  'name',
  'description',
  'tags',
  'supported_job_types',
  'capabilities',
  'permissions',
  'engines',
  'auth',
  'rate_limits',
  'failure_modes',
  'observability',
  'input_schema',
  'output_schema',
  'license',
  'maintainers',
];

/**
 * The index entry of one version, built from its metadata.json and its artifact. Key order is
 * fixed, so the same metadata always serialises to the same bytes.
 */
export function versionRecord(
  metadata: Record<string, unknown>,
  artifact: ArtifactRef,
  publishedAt?: string,
): IndexVersion {
  const record: Record<string, unknown> = {
    version: metadata.version,
    yanked: false,
    status: metadata.status ?? 'active',
    deprecated: metadata.deprecated ?? false,
    supported_job_types: metadata.supported_job_types ?? [],
    capabilities: metadata.capabilities ?? {},
    permissions: metadata.permissions ?? { network: [], secrets: [] },
    engines: metadata.engines ?? {},
  };
  for (const key of LEADING) if (!(key in record) && key in metadata) record[key] = metadata[key];
  for (const key of Object.keys(metadata).sort())
    if (!(key in record) && !OMITTED.has(key)) record[key] = metadata[key];
  record.artifact = { path: artifact.path, integrity: artifact.integrity, size: artifact.size };
  if (publishedAt) record.published_at = publishedAt;
  return record as IndexVersion;
}

/** What makes two publications of one version the same: everything but registry-side state. */
export function publishedContent(version: IndexVersion): Record<string, unknown> {
  const { yanked: _y, yank_reason: _r, published_at: _p, ...content } = version;
  return content;
}
