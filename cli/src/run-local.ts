import type { KeyObject } from 'node:crypto';
import {
  type ConnectorError,
  type DsseEnvelope,
  JobForgeError,
  type JsonValue,
  runConnector,
  signEvidence,
} from '@jobforge/sdk';
import type { LoadedConnector } from './load-connector-dir.js';

export interface RunLocalOptions {
  operation?: string;
  payload: unknown;
  tenantId?: string;
  traceId?: string;
  /** Set when the run is a queued job: recorded in the evidence. */
  jobId?: string;
  /** The queue's attempt number (1 = first). */
  attempt?: number;
  timeoutMs?: number;
  key: KeyObject;
}

/** What `jobforge run --json` prints. */
export type SignedRun =
  | { ok: true; data: JsonValue; evidence: DsseEnvelope }
  | { ok: false; error: ConnectorError; evidence: DsseEnvelope };

/** Runs a loaded connector in-process with runConnector and signs the evidence with the host key. */
export async function runLocal(
  connector: LoadedConnector,
  options: RunLocalOptions,
): Promise<SignedRun> {
  const { metadata } = connector;
  const operation = options.operation ?? metadata.supported_job_types[0];
  if (!operation) {
    throw new JobForgeError(
      'NO_OPERATION',
      `${metadata.connector_id} declares no supported_job_types`,
      { hint: 'pass --operation' },
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
  const result = await runConnector(
    connector.fn,
    {
      config: options.timeoutMs === undefined ? {} : { timeout_ms: options.timeoutMs },
      input: { operation, payload: options.payload as JsonValue },
      context: {
        ...(options.tenantId ? { tenant_id: options.tenantId } : {}),
        ...(options.traceId ? { trace_id: options.traceId } : {}),
        ...(options.jobId ? { job_id: options.jobId } : {}),
        ...(options.attempt ? { attempt_no: options.attempt } : {}),
      },
    },
    { connector: { id: metadata.connector_id, version: metadata.version } },
  );
  const evidence = signEvidence(result.evidence, options.key);
  return result.ok
    ? { ok: true, data: result.data, evidence }
    : { ok: false, error: result.error, evidence };
}
