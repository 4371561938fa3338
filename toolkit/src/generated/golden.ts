// Generated from registry/schema/golden.schema.json by scripts/generate-metadata-types.ts; do not edit.
// Regenerate with `npm run generate:types`; a test fails when this file drifts.

/** A connector's golden contract cases (test/golden.json), run by `jobforge test`. */
export interface GoldenCases {
  /** Path or URL of this schema. */
  $schema?: string;
  /** The cases, run in order. */
  cases: Array<{
    /** Unique name shown by the runner. */
    name: string;
    /** Job type to run; default: the first supported_job_types entry. */
    operation?: string;
    /** The job payload. */
    input: unknown;
    /** config.settings passed to the connector. */
    settings?: Record<string, unknown>;
    /** context.secrets for the run (test values only). */
    secrets?: {
      [key: string]: string;
    };
    /** Subset the output data must contain (objects match by subset, arrays and scalars exactly). */
    expected_output?: unknown;
    /** The run must fail with this error code (and retryable flag when given). */
    expected_error?: {
      /** Expected error.code. */
      code: string;
      /** Expected error.retryable. */
      retryable?: boolean;
    };
    /** Dotted paths that must exist in the evidence predicate, e.g. "invocation.trace_id", "claims.transformed". */
    expected_trace_keys?: string[];
    /** Dotted paths that must exist in the output data, e.g. "markdown", "csv". */
    expected_artifact_keys?: string[];
    /** Run twice and require the same output hash. */
    deterministic?: boolean;
    /** How the case's HTTP exchanges are recorded and replayed (see docs/authoring.md). A name is matched exactly, ignoring case, or as a regular expression when written "/source/flags". */
    http?: {
      /** What a replayed request may differ in and still match the recorded one. */
      match?: {
        /** Header names not compared, e.g. a nonce or a signature. */
        ignoreHeaders?: string[];
        /** Query parameter names not compared. */
        ignoreQuery?: string[];
        /** JSON body paths ("sent_at", "meta.nonce", "items.*.id") or form fields not compared. */
        ignoreBodyPaths?: string[];
      };
      /** Names whose values are redacted from the recording, on top of declared secrets, Authorization, cookies and credential-like names. */
      redact?: {
        /** Header names. */
        headers?: string[];
        /** Query parameter names. */
        queryKeys?: string[];
        /** JSON body keys (at any depth) and form field names. */
        bodyKeys?: string[];
      };
    };
  }>;
}
