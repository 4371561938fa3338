// Generated from registry/schema/metadata.schema.json by scripts/generate-metadata-types.ts; do not edit.
// Regenerate with `npm run generate:types`; a test fails when this file drifts.

/** A JobForge connector's metadata.json: who the connector is, what it does, what it needs and how it fails. The one source of truth for its id and version. */
export interface ConnectorMetadata {
  /** Path or URL of this schema, so editors complete and check the file, e.g. "../../registry/schema/metadata.schema.json". */
  $schema?: string;
  /** The connector's unique id: lower-case letters, digits and single hyphens, starting with a letter (at most 64 characters). Must equal the folder name. */
  connector_id: string;
  /** The connector's version, semver 2.0.0 (e.g. "1.4.0"). Each published version is immutable. */
  version: string;
  /** Lifecycle status: active (maintained), inactive (kept but not maintained), deprecated (use the replacement), disabled (must not run). */
  status: 'active' | 'inactive' | 'deprecated' | 'disabled';
  /** How far along the connector is: experimental, beta, stable or certified. */
  maturity: 'experimental' | 'beta' | 'stable' | 'certified';
  /** Human-readable name shown in the catalog. */
  name: string;
  /** What the connector does, in one or two sentences. */
  description: string;
  /** Path of the entry module, relative to the connector folder; it default-exports the ConnectorFn (e.g. "src/index.ts"). */
  entry: string;
  /** The operations the connector performs, each namespaced under its id ("<connector_id>.<action>"), unique. */
  supported_job_types: string[];
  /** What the connector can do; hosts filter on these. */
  capabilities: {
    /** Both sends to and receives from the remote system. */
    bidirectional: boolean;
    /** Produces or consumes a stream. */
    streaming: boolean;
    /** Processes many items in one job. */
    batch: boolean;
    /** Suitable for interactive, low-latency calls. */
    real_time: boolean;
    /** Sends or receives webhooks. */
    webhook: boolean;
    /** Polls a remote system for changes. */
    polling: boolean;
  };
  /** How the connector authenticates to the remote system. */
  auth: {
    /** True when the connector cannot work without credentials; then methods is not empty. */
    required: boolean;
    /** Accepted authentication methods; empty when auth is not required. */
    methods: Array<'api_key' | 'oauth2' | 'basic' | 'bearer' | 'hmac'>;
    /** Where the host keeps the credentials: none, secrets (the host's secret store, passed as context.secrets) or vault. */
    credentials_storage: 'none' | 'secrets' | 'vault';
  };
  /** How fast the connector may call the remote system. */
  rate_limits: {
    /** Sustained request rate. */
    requests_per_second: number;
    /** Requests allowed at once; at least requests_per_second. */
    burst_size: number;
    /** Period of the remote system's quota, or none. */
    quota_period: 'none' | 'second' | 'minute' | 'hour' | 'day' | 'month';
    /** True when the remote system sends Retry-After and the connector honors it. */
    retry_after_header: boolean;
  };
  /** The ways the connector fails and how each is handled. */
  failure_modes: Array<{
    /** The error code (UPPER_SNAKE_CASE), as returned in error.code. */
    type: string;
    /** Whether trying again may help. */
    retryable: boolean;
    /** How retries are spaced; anything but none needs max_retries. */
    retry_strategy?: 'none' | 'fixed' | 'linear' | 'exponential';
    /** Retries after the first attempt. */
    max_retries?: number;
    /** What happens once retries are exhausted. */
    fallback_behavior: 'fail' | 'skip' | 'dead_letter' | 'fallback_value';
    /** Whether this failure counts towards opening the circuit breaker. */
    circuit_breaker: boolean;
  }>;
  /** What the connector emits. */
  observability: {
    /** Writes structured logs through context.logger. */
    logs: boolean;
    /** Reports metrics. */
    metrics: boolean;
    /** Propagates context.trace_id. */
    traces: boolean;
  };
  /** JSON Schema (2020-12) of the job payload; must match the zod schema the entry exports as inputSchema, if any. */
  input_schema: Record<string, unknown>;
  /** JSON Schema (2020-12) of the data a successful run returns. */
  output_schema: Record<string, unknown>;
  /** What the sandbox lets the connector reach; nothing else is allowed. */
  permissions: {
    /** Hosts the connector may call, each a host name or IP with an optional port; "*.example.com" allows subdomains. */
    network: string[];
    /** Names of the secrets the connector reads from context.secrets. */
    secrets: string[];
  };
  /** Semver ranges of the runtimes the connector works with. */
  engines?: {
    /** Range of JobForge versions, e.g. ">=0.1.0". */
    jobforge?: string;
    /** Range of Node.js versions, e.g. ">=20.19.0". */
    node?: string;
  };
  /** Catalog tags: lower-case words with hyphens. */
  tags?: string[];
  /** SPDX license expression, e.g. "Apache-2.0". */
  license?: string;
  /** Who maintains the connector. */
  maintainers?: Array<{
    /** Person or team name. */
    name: string;
    /** Contact address. */
    email?: string;
    /** Home page. */
    url?: string;
  }>;
  /** What the connector's runs leave to check them by (docs/runs.md). replayable: true promises that a run replayed on its recorded HTTP exchanges gives the same output; `jobforge test` runs every golden case twice against its recording and fails (NOT_REPLAYABLE) when the outputs differ. */
  determinism?: {
    /** The run keeps its input (input.json). */
    input_snapshot?: boolean;
    /** The run keeps its events (events.jsonl). */
    decision_trace?: boolean;
    /** The run keeps its output (output.json). */
    output_artifact?: boolean;
    /** The same input and the same recorded exchanges give the same output. */
    replayable?: boolean;
  };
  /** Marks the connector deprecated: true, or an object with a message and the replacement. */
  deprecated?:
    | true
    | {
        /** Why, and what to do instead. */
        message?: string;
        /** Id of the connector to use instead. */
        replacement?: string;
      };
  /** Breaking changes by the major version that introduced them, keyed "<major>.0.0". */
  breaking_changes?: {
    /** One major version's breaking change. */
    [key: string]: {
      /** What broke and how to upgrade. */
      message: string;
      /** Deadline (YYYY-MM-DD) after which the previous major is no longer supported. */
      upgrade_by: string;
    };
  };
  /** Extension fields, free for tools and authors. */
  [key: `x-${string}`]: unknown;
}
