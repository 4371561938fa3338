import type { Completion } from './queue-client.js';
import { isConnectionError } from './queue-error.js';
import { reconnectDelay } from './reconnect-delay.js';
import type { JobStatus } from './types.js';

export interface CompletionBatcherOptions {
  complete(items: Completion[]): Promise<{ id: string; status: JobStatus }[]>;
  /** Called once per item: the new status, or null when the lease had been lost. */
  settled(item: Completion, status: JobStatus | null): void;
  /** A flush failed; it is retried (connection errors) or split up (anything else). */
  failed(error: unknown, items: Completion[]): void;
  maxBatch?: number;
}

/**
 * Batches completions without waiting on a timer: the first completion flushes at the end of the
 * current turn of the event loop (so handlers finishing together go in one statement), and the
 * ones that finish while that round trip is in flight go together in the next. A batch that fails
 * on a lost connection is retried with backoff, so no result is dropped; one that the database
 * refuses is retried item by item, and an item refused alone is recorded as a non-retryable failure.
 */
export function createCompletionBatcher(options: CompletionBatcherOptions) {
  const maxBatch = options.maxBatch ?? 1000;
  let pending: Completion[] = [];
  let flushing: Promise<void> | undefined;
  let scheduled = false;
  let failures = 0;

  async function send(batch: Completion[]): Promise<void> {
    for (;;) {
      try {
        const done = await options.complete(batch);
        failures = 0;
        const status = new Map(done.map((d) => [d.id, d.status]));
        for (const item of batch) options.settled(item, status.get(item.id) ?? null);
        return;
      } catch (error) {
        options.failed(error, batch);
        if (isConnectionError(error)) {
          failures++;
          await new Promise((r) => setTimeout(r, reconnectDelay(failures)));
          continue;
        }
        if (batch.length > 1) {
          for (const item of batch) await send([item]);
          return;
        }
        const [item] = batch as [Completion];
        if (item.outcome.ok || item.outcome.error.code !== 'RESULT_REFUSED') {
          batch = [{ ...item, outcome: refused(error) }];
          continue;
        }
        // Refused even as a bare failure: leave the job to its lease, which re-queues it.
        options.settled(item, null);
        return;
      }
    }
  }

  function pump(): Promise<void> {
    // Nothing to send: an async body that never awaits would clear `flushing` before `??=` set it.
    if (!flushing && pending.length === 0) return Promise.resolve();
    flushing ??= (async () => {
      while (pending.length > 0) {
        // Let the handlers that finish in this turn join (the answer of the last send starts a
        // batch of jobs, which settle over several microtasks).
        await new Promise((resolve) => setImmediate(resolve));
        const batch = pending.slice(0, maxBatch);
        pending = pending.slice(batch.length);
        await send(batch);
      }
      flushing = undefined;
    })();
    return flushing;
  }

  return {
    push(item: Completion): void {
      pending.push(item);
      if (flushing || scheduled) return;
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        void pump();
      });
    },
    get size(): number {
      return pending.length;
    },
    /** A flush is due this turn and has not been sent yet: what it carries can still join it. */
    get sendsSoon(): boolean {
      return scheduled;
    },
    /** Resolves once every pushed completion is recorded (or given up to its lease). */
    async drain(): Promise<void> {
      while (flushing || pending.length > 0) await pump();
    },
  };
}

function refused(error: unknown): Completion['outcome'] {
  return {
    ok: false,
    retryable: false,
    error: {
      code: 'RESULT_REFUSED',
      message: `the database refused this job's result: ${(error as Error)?.message ?? error}`,
    },
  };
}
