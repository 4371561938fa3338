import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root: temporary trees live under its .jobforge/ so `@jobforge/sdk` resolves. */
export const REPO_ROOT = resolve(import.meta.dirname, '../../..');

/** A fresh folder under `<repo>/.jobforge/test-tmp/` (git-ignored, skipped by vitest and biome). */
export function tempDir(prefix: string): string {
  const base = join(REPO_ROOT, '.jobforge', 'test-tmp');
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, `${prefix}-`));
}

export interface ConnectorSpec {
  id: string;
  version?: string;
  /** Source of src/index.ts; default: a greeting connector written with the sdk. */
  source?: string;
  /** Fields merged over the default metadata. */
  metadata?: Record<string, unknown>;
}

/** The default entry: greets, using `defineConnector` from the sdk (so the bundle inlines it). */
export function greetingSource(word = 'hello'): string {
  return `import { defineConnector } from '@jobforge/sdk';

export default defineConnector<{ name: string }, { greeting: string }>(async ({ input }) => ({
  ok: true,
  data: { greeting: \`${word} \${input.payload.name}\` },
}));
`;
}

/** metadata.json of a valid connector. */
export function connectorMetadata(spec: ConnectorSpec): Record<string, unknown> {
  return {
    $schema: 'https://jobforge.dev/schemas/metadata/v1/metadata.schema.json',
    connector_id: spec.id,
    version: spec.version ?? '1.0.0',
    status: 'active',
    maturity: 'beta',
    name: `Connector ${spec.id}`,
    description: `Greets by name (generated connector ${spec.id}).`,
    entry: 'src/index.ts',
    supported_job_types: [`${spec.id}.greet`],
    capabilities: {
      bidirectional: false,
      streaming: false,
      batch: false,
      real_time: true,
      webhook: false,
      polling: false,
    },
    auth: { required: false, methods: [], credentials_storage: 'none' },
    rate_limits: {
      requests_per_second: 10,
      burst_size: 20,
      quota_period: 'none',
      retry_after_header: false,
    },
    failure_modes: [
      {
        type: 'INVALID_INPUT',
        retryable: false,
        fallback_behavior: 'fail',
        circuit_breaker: false,
      },
    ],
    observability: { logs: true, metrics: false, traces: true },
    input_schema: {
      type: 'object',
      properties: { name: { type: 'string', description: 'Who to greet.' } },
      required: ['name'],
      additionalProperties: false,
    },
    output_schema: {
      type: 'object',
      properties: { greeting: { type: 'string', description: 'The greeting.' } },
      required: ['greeting'],
    },
    permissions: { network: [], secrets: [] },
    engines: { jobforge: '>=0.1.0', node: '>=20.19.0' },
    tags: ['generated'],
    license: 'Apache-2.0',
    ...spec.metadata,
  };
}

/** Writes (or rewrites) one valid connector folder under root; returns its path. */
export function writeConnector(root: string, spec: ConnectorSpec): string {
  const dir = join(root, spec.id);
  mkdirSync(join(dir, 'src'), { recursive: true });
  mkdirSync(join(dir, 'test'), { recursive: true });
  writeFileSync(
    join(dir, 'metadata.json'),
    `${JSON.stringify(connectorMetadata(spec), null, 2)}\n`,
  );
  writeFileSync(join(dir, 'src', 'index.ts'), spec.source ?? greetingSource());
  writeFileSync(join(dir, 'README.md'), `# ${spec.id}\n\nGreets by name.\n`);
  writeFileSync(
    join(dir, 'test', 'golden.json'),
    `${JSON.stringify(
      {
        cases: [
          {
            name: 'greets',
            input: { name: 'Ada' },
            expected_output: { greeting: 'hello Ada' },
            deterministic: true,
          },
        ],
      },
      null,
      2,
    )}\n`,
  );
  return dir;
}
