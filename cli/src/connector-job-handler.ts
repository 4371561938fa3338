import { isAbsolute, join, relative, resolve } from 'node:path';
import { JobFailure, type JobHandler } from '@jobforge/queue';
import {
  createRunRecorder,
  createConnectorJobHandler as createRuntimeJobHandler,
  type Runtime,
} from '@jobforge/runtime';
import { isJobForgeError } from '@jobforge/sdk';
import { readConnectorIdentity } from './load-connector-dir.js';
import type { RunStores } from './runs/run-stores.js';

/** The job type whose payload names a connector to run: `{ connector, operation?, input }`. */
export const CONNECTOR_JOB_TYPE = 'connector.run';

export interface ConnectorJobHandlerOptions {
  /** The sandbox the connectors run in; it signs every run's evidence with the host key. */
  runtime: Runtime;
  /** The only folder connectors are loaded from (default ./connectors). */
  connectorsDir?: string;
  /**
   * Record every run (the `runs` feature): events as they happen, artifacts, the manifest the
   * evidence signs. `capture` keeps every run's HTTP exchanges for replay; a job asks for it
   * itself with `capture: true` in its payload.
   */
  record?: { stores: RunStores; capture?: boolean; captureConnectors?: string[] };
}

/**
 * Composes the generic queue with the runtime: `connector.run` jobs run in the sandbox, and the
 * job's result holds the data while its evidence column holds the signed envelope. A failed run
 * becomes a JobFailure that keeps the connector's `retryable`, so the queue retries with backoff
 * or sends the job to dead.
 *
 * The payload is hostile: `connector` is an id or a folder, and either must resolve inside
 * `connectorsDir`, so a job cannot make the worker load code from anywhere else.
 */
export function createConnectorJobHandler(options: ConnectorJobHandlerOptions): JobHandler {
  const root = resolve(options.connectorsDir ?? 'connectors');
  const runInSandbox = createRuntimeJobHandler(options.runtime, (connector) =>
    connectorDir(root, connector),
  );
  return async (job, ctx) => {
    const payload = job.payload as {
      connector?: unknown;
      operation?: unknown;
      input?: unknown;
      dry_run?: unknown;
      capture?: unknown;
    };
    if (typeof payload !== 'object' || payload === null || typeof payload.connector !== 'string') {
      throw new JobFailure(
        'INVALID_JOB',
        'a connector.run payload is { connector, operation?, input }',
        { retryable: false },
      );
    }
    if (payload.operation !== undefined && typeof payload.operation !== 'string') {
      throw new JobFailure('INVALID_JOB', 'payload.operation must be a string', {
        retryable: false,
      });
    }
    let run: Awaited<ReturnType<typeof runInSandbox>>;
    try {
      const operation =
        payload.operation ??
        (await readConnectorIdentity(connectorDir(root, payload.connector))).supported_job_types[0];
      if (!operation)
        throw new JobFailure(
          'INVALID_JOB',
          `${payload.connector} declares no job type; give payload.operation`,
          { retryable: false },
        );
      const recorder = options.record
        ? createRunRecorder({
            jobId: job.id,
            attempt: job.attempts,
            sink: options.record.stores.runs,
            large: options.record.stores.large,
            // Per worker, per connector (its id as the job names it), or per job: a trigger's
            // payload template with `capture: true` captures every job it enqueues.
            capture:
              options.record.capture === true ||
              payload.capture === true ||
              (options.record.captureConnectors?.includes(payload.connector) ?? false),
            input: { operation, payload: payload.input ?? null },
            onError: (error) => ctx.log.warn('run record', { error: (error as Error).message }),
          })
        : undefined;
      recorder?.event({ kind: 'claimed', at: new Date().toISOString(), worker_id: ctx.workerId });
      run = await runInSandbox(
        {
          id: job.id,
          tenant_id: job.tenant_id,
          trace_id: job.trace_id,
          attempt_no: job.attempts,
          payload: {
            connector: payload.connector,
            operation,
            input: (payload.input ?? null) as never,
            ...(payload.dry_run === true ? { dry_run: true } : {}),
          },
        },
        recorder ? { record: recorder.record } : {},
      );
      // The record is written before the job completes, so a finished job's run is readable.
      await recorder
        ?.finish(run)
        .catch((error: unknown) => ctx.log.warn('run record', { error: (error as Error).message }));
    } catch (error) {
      if (error instanceof JobFailure || !isJobForgeError(error)) throw error;
      // Resolving or preparing the connector failed: no retry will change that.
      throw new JobFailure(error.code, error.message, { retryable: false });
    }
    ctx.setEvidence(run.evidence);
    if (run.ok) return run.data;
    throw new JobFailure(run.error.code, run.error.message, {
      retryable: run.error.retryable === true,
      evidence: run.evidence,
    });
  };
}

function connectorDir(root: string, connector: string): string {
  // A bare id names a folder in the root; anything else is a path, which must also land in it.
  const candidate =
    /^[\w.-]+$/.test(connector) && !connector.startsWith('.')
      ? join(root, connector)
      : resolve(connector);
  const inside = relative(root, resolve(candidate));
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
    throw new JobFailure(
      'CONNECTOR_NOT_ALLOWED',
      `connector ${JSON.stringify(connector)} is not a folder inside ${root}`,
      { retryable: false },
    );
  }
  return resolve(candidate);
}
