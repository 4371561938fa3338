import type { EvidenceDenial } from '@jobforge/sdk';
import { redactSecrets } from '@jobforge/sdk';
import { type CheckedOutcome, checkChildDenials, checkChildOutcome } from './check-outcome.js';
import type { ChildPool } from './child-pool.js';
import { type EgressPolicy, egressFetch } from './egress/egress-fetch.js';
import type { PreparedConnector } from './prepare-connector.js';

/** After the child's own abort at timeoutMs, how long the host waits before SIGKILL. */
export const KILL_GRACE_MS = 250;
/** Log lines one call may send to the host's logger. */
const MAX_LOG_LINES = 200;

export type Attempt = { outcome: CheckedOutcome; healthy: boolean };

/**
 * One attempt in the sandbox: take a child bound to this connector and tenant, send the call, serve
 * its fetches through the egress proxy, and judge what comes back. The child goes back to the pool
 * only after a clean success; anything else recycles it.
 */
export async function runAttempt(
  pool: ChildPool,
  connector: PreparedConnector,
  source: string,
  call: {
    tenant: string;
    frame: Record<string, unknown>;
    timeoutMs: number;
    secrets: Record<string, string>;
    egress: EgressPolicy;
    denials: EvidenceDenial[];
    log: (level: string, message: string, fields: unknown) => void;
    maxRequests: number;
  },
): Promise<Attempt> {
  const sandboxError = (code: string, message: string): Attempt => ({
    outcome: {
      ok: false,
      error: {
        code,
        message: redactSecrets(message, call.secrets),
        retryable: code === 'TIMEOUT',
      },
      claims: undefined,
    },
    healthy: false,
  });
  let child: Awaited<ReturnType<ChildPool['acquire']>>;
  try {
    child = await pool.acquire(
      `${connector.integrity}\u0000${call.tenant}`,
      source,
      connector.integrity,
      call.timeoutMs + KILL_GRACE_MS,
    );
  } catch (error) {
    // A load that hangs, bloats or exits is reported as such; anything else failed to load.
    const code = (error as { code?: string }).code;
    const fault =
      code === 'TIMEOUT' || code === 'RESOURCE_EXHAUSTED' || code === 'CONNECTOR_CRASHED';
    return sandboxError(
      fault ? code : 'CONNECTOR_LOAD_FAILED',
      `the connector could not be loaded in the sandbox: ${(error as Error).message}`,
    );
  }
  const abort = new AbortController();
  let healthy = false;
  let requests = 0;
  let lines = 0;
  const { maxRequests } = call;
  try {
    const answer = await child.call(call.frame, {
      timeoutMs: call.timeoutMs,
      deadlineMs: call.timeoutMs + KILL_GRACE_MS,
      onFetch: async (request) => {
        if (++requests > maxRequests)
          return {
            ok: false,
            code: 'TOO_MANY_REQUESTS',
            message: `a call may make at most ${maxRequests} requests`,
          };
        return egressFetch(request, call.egress, abort.signal, (d) =>
          call.denials.push({ kind: 'network', ...d }),
        );
      },
      onLog: (level, message, fields) => {
        if (++lines <= MAX_LOG_LINES) call.log(level, message, fields);
      },
    });
    if (answer.kind === 'fault') return sandboxError(answer.code, answer.message);
    call.denials.push(...checkChildDenials(answer.denials));
    if (answer.error) {
      const { code, message } = answer.error;
      const known =
        typeof code === 'string' && /^[A-Z_]{1,40}$/.test(code) ? code : 'CONNECTOR_THREW';
      return sandboxError(known, String(message ?? ''));
    }
    const outcome = checkChildOutcome(answer.outcome, call.secrets);
    healthy = outcome.ok && !answer.tainted;
    return { outcome, healthy };
  } finally {
    abort.abort();
    pool.release(child, healthy);
  }
}
