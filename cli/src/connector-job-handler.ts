import type { KeyObject } from 'node:crypto';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { JobFailure, type JobHandler } from '@jobforge/queue';
import { isJobForgeError } from '@jobforge/sdk';
import { type LoadedConnector, loadConnectorDir } from './load-connector-dir.js';
import { runLocal } from './run-local.js';

/** The job type whose payload names a connector to run: `{ connector, operation?, input }`. */
export const CONNECTOR_JOB_TYPE = 'connector.run';

export interface ConnectorJobHandlerOptions {
  /** The only folder connectors are loaded from (default ./connectors). */
  connectorsDir?: string;
  /** The host's signing key; it never reaches connector code. */
  key: KeyObject;
  /** Per-run timeout (ms) handed to runConnector. */
  timeoutMs?: number;
}

/**
 * Runs `connector.run` jobs in this process with runLocal and signs the evidence with the host key;
 * the job's result holds the data, its evidence column the signed envelope. The sandbox runtime's
 * handler replaces this one; the seam is just a JobHandler.
 *
 * The payload is hostile: `connector` is an id or a folder, and either must resolve inside
 * `connectorsDir`, so a job cannot make the worker load code from anywhere else.
 */
export function createConnectorJobHandler(options: ConnectorJobHandlerOptions): JobHandler {
  const root = resolve(options.connectorsDir ?? 'connectors');
  const loaded = new Map<string, Promise<LoadedConnector>>();
  return async (job, ctx) => {
    const payload = job.payload as { connector?: unknown; operation?: unknown; input?: unknown };
    if (typeof payload !== 'object' || payload === null || typeof payload.connector !== 'string') {
      throw new JobFailure(
        'INVALID_JOB',
        'a connector.run payload is { connector, operation?, input }',
        {
          retryable: false,
        },
      );
    }
    if (payload.operation !== undefined && typeof payload.operation !== 'string') {
      throw new JobFailure('INVALID_JOB', 'payload.operation must be a string', {
        retryable: false,
      });
    }
    const dir = connectorDir(root, payload.connector);
    let promise = loaded.get(dir);
    if (!promise) {
      promise = loadConnectorDir(dir);
      loaded.set(dir, promise);
      promise.catch(() => loaded.delete(dir));
    }
    let connector: LoadedConnector;
    try {
      connector = await promise;
    } catch (error) {
      throw new JobFailure(
        isJobForgeError(error) ? error.code : 'CONNECTOR_LOAD_FAILED',
        (error as Error).message,
        { retryable: false },
      );
    }
    let run: Awaited<ReturnType<typeof runLocal>>;
    try {
      run = await runLocal(connector, {
        payload: payload.input ?? null,
        key: options.key,
        tenantId: job.tenant_id,
        jobId: job.id,
        attempt: job.attempts,
        ...(payload.operation ? { operation: payload.operation as string } : {}),
        ...(job.trace_id ? { traceId: job.trace_id } : {}),
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      });
    } catch (error) {
      if (!isJobForgeError(error)) throw error;
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
