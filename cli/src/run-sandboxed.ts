import type { KeyObject } from 'node:crypto';
import {
  type ConnectorArtifact,
  createRuntime,
  parseConnectorMetadata,
  type RuntimeStatsSnapshot,
  type SandboxRun,
} from '@jobforge/runtime';
import { JobForgeError, type JsonValue } from '@jobforge/sdk';
import { readConnectorIdentity } from './load-connector-dir.js';

export interface RunSandboxedOptions {
  operation?: string;
  payload: unknown;
  tenantId?: string;
  traceId?: string;
  timeoutMs?: number;
  /** `context.dry_run`: only GET, HEAD and OPTIONS leave the host (docs/runs.md). */
  dryRun?: boolean;
  key: KeyObject;
}

/** What `jobforge run --json` prints; `stats` only with --stats. */
export type SignedRun = SandboxRun & { stats?: RuntimeStatsSnapshot };

/**
 * Runs one connector folder in the sandbox (`@jobforge/runtime`): a one-child pool, the connector's
 * declared permissions only, evidence signed by `key` after the result has left the child.
 */
export async function runSandboxed(
  target: string | { artifact: ConnectorArtifact },
  options: RunSandboxedOptions,
): Promise<{ run: SandboxRun; stats: RuntimeStatsSnapshot; id: string }> {
  // A folder's identity comes from its metadata.json; an artifact's from what the index published.
  const metadata =
    typeof target === 'string'
      ? await readConnectorIdentity(target)
      : parseConnectorMetadata(target.artifact.metadata, target.artifact.path);
  const operation = options.operation ?? metadata.supported_job_types[0];
  if (!operation) {
    throw new JobForgeError(
      'NO_OPERATION',
      `${metadata.connector_id} declares no supported_job_types`,
      {
        hint: 'pass --operation',
      },
    );
  }
  if (
    metadata.supported_job_types.length > 0 &&
    !metadata.supported_job_types.includes(operation)
  ) {
    throw new JobForgeError(
      'UNKNOWN_OPERATION',
      `${metadata.connector_id} does not support ${operation}`,
      {
        hint: `use one of: ${metadata.supported_job_types.join(', ')}`,
      },
    );
  }
  const runtime = await createRuntime({
    signingKey: options.key,
    pool: { maxChildren: 1, warm: 0 },
    ...(options.timeoutMs === undefined ? {} : { limits: { timeoutMs: options.timeoutMs } }),
  });
  try {
    const run = await runtime.run(
      target,
      { operation, payload: options.payload as JsonValue },
      {
        ...(options.tenantId ? { tenant_id: options.tenantId } : {}),
        ...(options.traceId ? { trace_id: options.traceId } : {}),
        ...(options.dryRun ? { dry_run: true } : {}),
      },
    );
    return { run, stats: runtime.stats(), id: `${metadata.connector_id}@${metadata.version}` };
  } finally {
    await runtime.close();
  }
}
