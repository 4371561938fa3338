import type { EvidenceDenial } from '@jobforge/sdk';
import { boundText, redactSecrets } from '@jobforge/sdk';
import { type CheckedOutcome, checkChildDenials, checkChildOutcome } from './check-outcome.js';
import type { EgressAnswer } from './child/proxied-fetch.js';
import type { ChildPool } from './child-pool.js';
import { createEgressBudget, type EgressPolicy, egressFetch } from './egress/egress-fetch.js';
import type { PreparedConnector } from './prepare-connector.js';
import type { FetchObserver } from './record/fetch-observer.js';
import type { ArtifactCollector } from './runs/artifact-collector.js';

/** After the child's own abort at timeoutMs, how long the host waits before SIGKILL. */
export const KILL_GRACE_MS = 250;
/** Timers in the child fire on a millisecond clock: a child TIMEOUT this close to the deadline is real. */
const CLOCK_SLACK_MS = 10;
/** Log lines one call may send to the host's logger. */
const MAX_LOG_LINES = 200;
/** Code points of a failure message the host keeps (and signs). */
const MAX_MESSAGE = 1000;
/** Requests one call may have in flight through the egress proxy at once; the rest wait. */
export const MAX_CONCURRENT_REQUESTS = 4;
/**
 * Codes only the host may give, for what it observed itself (its deadline, its memory watchdog, the
 * process ending, a broken protocol). Reported by the child they become CONNECTOR_THREW.
 */
const HOST_ONLY_CODES = new Set([
  'TIMEOUT',
  'RESOURCE_EXHAUSTED',
  'CONNECTOR_CRASHED',
  'SANDBOX_VIOLATION',
  'SANDBOX_UNAVAILABLE',
  'PROTOCOL_ERROR',
  'CONNECTOR_LOAD_FAILED',
]);

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
    /** Told once when the call passes the log-line cap (later lines are dropped). */
    onLogsCut?: (kept: number) => void;
    maxRequests: number;
    /** Bytes of request and response bodies the call may move (default: the child's memory cap). */
    egressBudgetBytes?: number;
    /** Stands between the connector and the egress (run records: events, dry run, capture, replay). */
    intercept?: FetchObserver;
    /** Takes `context.artifacts.put` chunks (caps, names, storage). */
    artifacts?: ArtifactCollector;
  },
): Promise<Attempt> {
  // One deadline for the whole attempt, taken now: loading and the call share it.
  const deadlineAt = performance.now() + call.timeoutMs;
  const sandboxError = (code: string, message: string): Attempt => ({
    outcome: {
      ok: false,
      error: {
        code,
        message: boundText(redactSecrets(message, call.secrets), MAX_MESSAGE),
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
      deadlineAt + KILL_GRACE_MS,
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
  // Made by the call's first request only: most calls fetch nothing, and an AbortController that is
  // aborted at the end of every call costs a DOMException each time.
  let abort: AbortController | undefined;
  let ended = false;
  const abortSignal = (): AbortSignal => {
    abort ??= new AbortController();
    if (ended) abort.abort();
    return abort.signal;
  };
  let healthy = false;
  let requests = 0;
  let lines = 0;
  const { maxRequests } = call;
  const budget = createEgressBudget(call.egressBudgetBytes ?? pool.memoryBytes);
  let inFlight = 0;
  const queued: (() => void)[] = [];
  const overBudget = (): EgressAnswer => {
    const reason = `the call's requests and responses passed its egress budget of ${budget.limit} bytes`;
    call.denials.push({ kind: 'network', target: 'egress', reason });
    return { ok: false, code: 'RESPONSE_TOO_LARGE', message: reason };
  };
  const remaining = Math.ceil(deadlineAt - performance.now());
  try {
    if (remaining <= 0)
      return sandboxError(
        'TIMEOUT',
        `the connector did not finish within ${call.timeoutMs} ms (loading used it up)`,
      );
    const answer = await child.call(
      { ...call.frame, timeoutMs: remaining },
      {
        timeoutMs: call.timeoutMs,
        deadlineMs: remaining + KILL_GRACE_MS,
        onFetch: async (request, frameBytes): Promise<EgressAnswer> => {
          if (++requests > maxRequests)
            return {
              ok: false,
              code: 'TOO_MANY_REQUESTS',
              message: `a call may make at most ${maxRequests} requests`,
            };
          // Every byte the host holds for this call counts against its budget: the request's
          // frame while it waits for a slot, and the answer's frame until the child reads it.
          if (!budget.take(frameBytes)) return overBudget();
          // At most a few requests in flight per call; the rest queue.
          // A finishing request hands its slot straight to the next one in the queue.
          if (inFlight >= MAX_CONCURRENT_REQUESTS)
            await new Promise<void>((resolve) => queued.push(resolve));
          else inFlight++;
          try {
            if (abortSignal().aborted)
              return { ok: false, code: 'NETWORK_ERROR', message: 'the call has ended' };
            const send = async (r: typeof request) => {
              const answer = await egressFetch(
                r,
                call.egress,
                abortSignal(),
                (d) => call.denials.push({ kind: 'network', ...d }),
                budget,
              );
              return budget.take(answerBytes(answer)) ? answer : overBudget();
            };
            return await (call.intercept ? call.intercept.fetch(request, send) : send(request));
          } finally {
            const next = queued.shift();
            if (next) next();
            else inFlight--;
          }
        },
        ...(call.artifacts ? { onArtifact: call.artifacts.take } : {}),
        onLog: (level, message, fields) => {
          if (++lines <= MAX_LOG_LINES)
            call.log(level, boundText(message, MAX_MESSAGE * 2), fields);
          else if (lines === MAX_LOG_LINES + 1) call.onLogsCut?.(MAX_LOG_LINES);
        },
      },
    );
    if (answer.kind === 'fault') return sandboxError(answer.code, answer.message);
    call.denials.push(...checkChildDenials(answer.denials));
    if (answer.error) {
      const { code, message } = answer.error;
      let known =
        typeof code === 'string' && /^[A-Z_]{1,40}$/.test(code) ? code : 'CONNECTOR_THREW';
      // A host-only code from the child is believed only for a TIMEOUT the host's own clock
      // confirms (the child aborts context.signal at the deadline); anything else is a throw.
      if (
        HOST_ONLY_CODES.has(known) &&
        !(known === 'TIMEOUT' && performance.now() >= deadlineAt - CLOCK_SLACK_MS)
      )
        known = 'CONNECTOR_THREW';
      return sandboxError(known, message);
    }
    const outcome = checkChildOutcome(answer.outcome, call.secrets);
    healthy = outcome.ok && !answer.tainted;
    return { outcome, healthy };
  } finally {
    ended = true;
    abort?.abort();
    call.artifacts?.close();
    pool.release(child, healthy);
  }
}

/** What an answer's frame holds in the host until the child reads it (base64 body included). */
function answerBytes(answer: EgressAnswer): number {
  if (!answer.ok) return answer.message.length + 64;
  let bytes = answer.body.length + answer.url.length + answer.statusText.length + 128;
  for (const [name, value] of answer.headers) bytes += name.length + value.length + 8;
  return bytes;
}
