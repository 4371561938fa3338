/** The index format this code writes and reads; a reader refuses any other. */
export const INDEX_FORMAT = 1;

/** `$schema` of every index.json: the published index.schema.json. */
export const INDEX_SCHEMA_ID = 'https://jobforge.dev/schemas/registry-index/v1/index.schema.json';

/** predicateType of the in-toto Statement that signs an index (the evidence has its own). */
export const INDEX_PREDICATE_TYPE = 'https://jobforge.dev/registry-index/v1';

/** The files of a registry directory; anything else at its top level is a stray file. */
export const INDEX_FILE = 'index.json';
export const SIGNATURE_FILE = 'index.dsse.json';
export const SCHEMA_FILE = 'index.schema.json';
export const ARTIFACTS_DIR = 'artifacts';

/** Where a bundled artifact lives: named by its own sha256, so a path says what it holds. */
export function artifactPath(sha256Hex: string): string {
  return `${ARTIFACTS_DIR}/sha256/${sha256Hex}.mjs`;
}

/** One bundled, content-addressed artifact. */
export interface ArtifactRef {
  /** Relative to the registry root, `artifacts/sha256/<hex>.mjs`. */
  path: string;
  /** Subresource Integrity form: `sha256-<base64>`. */
  integrity: string;
  /** Size in bytes. */
  size: number;
}

/** One published version: what a host needs to choose it, and where its code is. */
export interface IndexVersion {
  version: string;
  /** Set by `jobforge registry yank`; a yanked version stays listed but is never resolved. */
  yanked: boolean;
  yank_reason?: string;
  status: string;
  /** false, true, or `{ message, replacement }` as in metadata.json. */
  deprecated: boolean | { message?: string; replacement?: string };
  supported_job_types: string[];
  capabilities: Record<string, unknown>;
  permissions: { network?: string[]; secrets?: string[] } & Record<string, unknown>;
  engines: { jobforge?: string; node?: string } & Record<string, unknown>;
  /** The rest of metadata.json (name, description, auth, schemas, …) as published. */
  [field: string]: unknown;
  artifact: ArtifactRef;
}

export interface IndexConnector {
  id: string;
  name: string;
  description: string;
  /** Newest first by semver. */
  versions: IndexVersion[];
}

export interface RegistryIndex {
  $schema: string;
  format: number;
  /** Sorted by id. */
  connectors: IndexConnector[];
}
