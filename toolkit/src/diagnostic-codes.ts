/** How bad a diagnostic is: errors always fail `jobforge validate`; warnings only with --strict. */
export type Severity = 'error' | 'warning';

/**
 * Every diagnostic code `validateConnectors` can report, with its severity and a one-line summary.
 * This object is the source of truth: docs/diagnostics.md documents each code, and
 * toolkit/test/fixtures/<CODE>/ holds a connector that triggers it (a test checks both).
 * Codes are stable: tools match on them. Add codes; never rename or reuse one.
 */
export const DIAGNOSTIC_CODES = {
  PATH_NOT_FOUND: { severity: 'error', summary: 'a path given to validate does not exist' },
  NO_CONNECTORS: { severity: 'warning', summary: 'a path holds no connector folder' },
  SYMLINK_LOOP: { severity: 'warning', summary: 'a symbolic link loops back on itself' },
  FILE_UNREADABLE: { severity: 'error', summary: 'metadata.json cannot be read as a file' },
  FILE_TOO_LARGE: { severity: 'error', summary: 'metadata.json is larger than the limit' },
  JSON_INVALID_UTF8: { severity: 'error', summary: 'metadata.json is not valid UTF-8' },
  JSON_BOM: { severity: 'warning', summary: 'metadata.json starts with a byte order mark' },
  JSON_SYNTAX: { severity: 'error', summary: 'metadata.json is not valid JSON' },
  JSON_TOO_DEEP: { severity: 'error', summary: 'metadata.json nests deeper than the limit' },
  JSON_DUPLICATE_KEY: { severity: 'error', summary: 'an object has the same key twice' },
  SCHEMA_REF: { severity: 'error', summary: '"$schema" is missing or not the metadata schema' },
  SCHEMA_REQUIRED: { severity: 'error', summary: 'a required property is missing' },
  SCHEMA_UNKNOWN_PROPERTY: { severity: 'error', summary: 'a property the schema does not know' },
  SCHEMA_TYPE: { severity: 'error', summary: 'a value has the wrong JSON type' },
  SCHEMA_ENUM: { severity: 'error', summary: 'a value is not one of the allowed values' },
  SCHEMA_INVALID: { severity: 'error', summary: 'a value breaks a schema constraint' },
  ID_FORMAT: { severity: 'error', summary: 'connector_id breaks the id rule' },
  ID_DUPLICATE: { severity: 'error', summary: 'two folders declare the same connector_id' },
  ID_FOLDER_MISMATCH: { severity: 'error', summary: 'the folder name differs from connector_id' },
  VERSION_NOT_SEMVER: { severity: 'error', summary: 'version is not valid semver' },
  ENGINE_RANGE_INVALID: { severity: 'error', summary: 'an engines entry is not a semver range' },
  ENTRY_OUTSIDE_FOLDER: { severity: 'error', summary: 'entry points outside the connector folder' },
  ENTRY_NOT_FOUND: { severity: 'error', summary: 'the entry module does not exist' },
  ENTRY_PARSE_ERROR: { severity: 'error', summary: 'the entry module cannot be parsed' },
  ENTRY_NO_DEFAULT_EXPORT: { severity: 'error', summary: 'the entry has no default export' },
  ENTRY_DEFAULT_NOT_FUNCTION: {
    severity: 'error',
    summary: 'the entry default-exports something other than a function',
  },
  JOB_TYPE_DUPLICATE: { severity: 'error', summary: 'a job type is listed twice' },
  JOB_TYPE_NAMESPACE: { severity: 'error', summary: 'a job type is not namespaced under the id' },
  RATE_LIMIT_BURST: { severity: 'error', summary: 'burst_size is below requests_per_second' },
  AUTH_INCONSISTENT: { severity: 'error', summary: 'auth.required disagrees with auth.methods' },
  RETRY_WITHOUT_MAX: { severity: 'error', summary: 'a retry strategy has no max_retries' },
  IO_SCHEMA_INVALID: { severity: 'error', summary: 'input_schema or output_schema is not valid' },
  ZOD_SCHEMA_MISMATCH: {
    severity: 'error',
    summary: 'input_schema differs from the zod inputSchema the entry exports',
  },
  README_MISSING: { severity: 'warning', summary: 'the connector has no README.md' },
  GOLDEN_TESTS_MISSING: { severity: 'warning', summary: 'the connector has no golden cases' },
  GOLDEN_TESTS_INVALID: { severity: 'error', summary: 'the golden cases file is malformed' },
  DEPRECATED_WITHOUT_MESSAGE: { severity: 'error', summary: 'deprecated has no message' },
  INDEX_UNREADABLE: { severity: 'error', summary: 'the published index cannot be read' },
  RELEASE_VERSION_NOT_GREATER: {
    severity: 'error',
    summary: 'version is not greater than every published version',
  },
  RELEASE_MAJOR_UNDOCUMENTED: {
    severity: 'error',
    summary: 'a new major has no breaking_changes entry',
  },
  RELEASE_BREAKING_WITHOUT_MAJOR: {
    severity: 'error',
    summary: 'a breaking change ships without a major bump',
  },
} as const satisfies Record<string, { severity: Severity; summary: string }>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;
