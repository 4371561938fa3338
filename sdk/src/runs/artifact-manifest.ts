import { hashOutput } from '../hash-output.js';

/** The `$schema` of an artifact manifest. */
export const ARTIFACT_MANIFEST_SCHEMA = 'https://jobforge.dev/schemas/artifact-manifest/v1.json';

/** Largest artifact name; names are file names, never paths. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** One artifact of a run: what it is and its bytes' digest. Where it is stored is not signed. */
export interface ManifestEntry {
  name: string;
  media_type: string;
  size: number;
  sha256: string;
  /** Set when the artifact was cut at a size cap: the digest is of the bytes kept. */
  truncated?: boolean;
}

/** A run's artifact manifest: its hash goes into the signed evidence as `predicate.manifest`. */
export interface ArtifactManifest {
  $schema: typeof ARTIFACT_MANIFEST_SCHEMA;
  artifacts: ManifestEntry[];
}

/** Whether `name` may name an artifact (a plain file name: no slash, no leading dot). */
export function isArtifactName(name: unknown): name is string {
  return typeof name === 'string' && NAME.test(name) && !name.includes('..');
}

/**
 * The manifest of a set of entries, sorted by name so the same artifacts always hash the same.
 *
 * @example
 * const manifest = buildManifest([{ name: 'events.jsonl', media_type: 'application/jsonl', size: 10, sha256 }]);
 * const digest = manifestDigest(manifest);
 */
export function buildManifest(entries: readonly ManifestEntry[]): ArtifactManifest {
  const artifacts = [...entries]
    .map((e) => ({
      name: e.name,
      media_type: e.media_type,
      size: e.size,
      sha256: e.sha256,
      ...(e.truncated ? { truncated: true } : {}),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { $schema: ARTIFACT_MANIFEST_SCHEMA, artifacts };
}

/** sha256 of the manifest's canonical JSON: what the evidence signs. */
export function manifestDigest(manifest: ArtifactManifest): string {
  return hashOutput(buildManifest(manifest.artifacts));
}
