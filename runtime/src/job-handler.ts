import { JobForgeError, type JsonValue } from '@jobforge/sdk';
import type { ConnectorRef } from './prepare-connector.js';
import type { RunContext, Runtime, SandboxRun } from './runtime-types.js';

/** A queued connector job, as the generic queue hands it over (its own shape; no queue import). */
export interface ConnectorJob {
  id: string;
  tenant_id: string;
  trace_id?: string | null;
  attempt_no?: number;
  payload: { connector: string; operation: string; input: JsonValue; dry_run?: boolean };
}

/** `record` makes the run a record (run events, manifest signed in the evidence; docs/runs.md). */
export type ConnectorJobHandler = (
  job: ConnectorJob,
  extra?: Pick<RunContext, 'record'>,
) => Promise<SandboxRun>;

/**
 * Turns the runtime into a queue job handler: resolves `payload.connector` (a folder or
 * `id@range`, as the host decides), runs it in the sandbox and returns `{ ok, data | error,
 * evidence }` with the signed envelope. A payload that is not a connector job throws `INVALID_JOB`.
 *
 * @example
 * const handle = createConnectorJobHandler(runtime, (name) => `connectors/${name}`);
 * const result = await handle({ id: 'j1', tenant_id: 'acme', payload: { connector: 'echo', operation: 'echo.say', input: { message: 'hi' } } });
 */
export function createConnectorJobHandler(
  runtime: Runtime,
  resolveConnector: (connector: string, job: ConnectorJob) => ConnectorRef | Promise<ConnectorRef>,
  options: {
    secretsFor?: (job: ConnectorJob) => Record<string, string> | Promise<Record<string, string>>;
  } = {},
): ConnectorJobHandler {
  return async (job, extra = {}) => {
    const payload = job?.payload as Partial<ConnectorJob['payload']> | undefined;
    if (
      typeof payload !== 'object' ||
      payload === null ||
      typeof payload.connector !== 'string' ||
      typeof payload.operation !== 'string' ||
      !('input' in payload)
    )
      throw new JobForgeError('INVALID_JOB', `job ${String(job?.id)} is not a connector job`, {
        where: 'job.payload',
        hint: 'a connector job payload is { connector, operation, input }',
      });
    const ref = await resolveConnector(payload.connector, job);
    return runtime.run(
      ref,
      { operation: payload.operation, payload: payload.input as JsonValue },
      {
        tenant_id: job.tenant_id,
        job_id: job.id,
        ...(job.trace_id ? { trace_id: job.trace_id } : {}),
        ...(job.attempt_no ? { attempt_no: job.attempt_no } : {}),
        ...(payload.dry_run ? { dry_run: true } : {}),
        ...(options.secretsFor ? { secrets: await options.secretsFor(job) } : {}),
        ...(extra.record ? { record: extra.record } : {}),
      },
    );
  };
}
