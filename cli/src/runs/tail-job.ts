import type { QueueClient, RunsClient, StoredRunEvent } from '@jobforge/queue';
import { JobForgeError } from '@jobforge/sdk';

/** Statuses after which a job makes no more events. */
const DONE = new Set(['succeeded', 'dead', 'canceled']);

export interface TailOptions {
  /** How often to look without a notification (the fallback when LISTEN is unavailable). */
  pollMs?: number;
  /** Stop after this long (default: until the job ends). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Act for this tenant only. */
  tenantId?: string;
}

/**
 * Follows a job's run events: prints each once, in order, as it is appended (woken by NOTIFY on
 * `jobforge_run_events`, polling as a fallback), and resolves with the job's final status when it
 * ends. A job that has not started yet is waited for.
 */
export async function tailJob(
  queue: QueueClient,
  runs: RunsClient,
  jobId: string,
  print: (event: StoredRunEvent) => void,
  options: TailOptions = {},
): Promise<string> {
  const pollMs = options.pollMs ?? 1000;
  const deadline = options.timeoutMs ? Date.now() + options.timeoutMs : Number.POSITIVE_INFINITY;
  let printed = 0;
  let wake: (() => void) | undefined;
  // Set by a notification that arrives while a read is in flight, so it is not lost.
  let pending = false;
  const stop = await runs
    .onRunEvents((id) => {
      if (id !== jobId) return;
      pending = true;
      wake?.();
    })
    .catch(() => undefined);
  try {
    for (;;) {
      pending = false;
      // Status first: events written before the job ended are then all in the read that follows.
      const job = await queue.get(jobId, options.tenantId ? { tenantId: options.tenantId } : {});
      if (!job)
        throw new JobForgeError('JOB_NOT_FOUND', `no job ${jobId}`, {
          where: jobId,
          hint: 'jobforge jobs list shows the ids',
        });
      const events = (await runs.listRunEvents(jobId, { limit: 10_000 })) ?? [];
      for (const event of events.slice(printed)) print(event);
      printed = Math.max(printed, events.length);
      if (DONE.has(job.status)) return job.status;
      if (options.signal?.aborted || Date.now() > deadline) return job.status;
      // After an attempt's `finished` the job's completion follows at once, and completing sends
      // no run event: look at the status again soon rather than at the next poll.
      const soon = events.at(-1)?.kind === 'finished' && job.status === 'running';
      if (pending) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, soon ? Math.min(pollMs, 100) : pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    await stop?.();
  }
}

/** One event as a terminal line. */
export function formatEvent(e: StoredRunEvent): string {
  const f = e as Record<string, unknown>;
  const detail =
    e.kind === 'fetch' || e.kind === 'dry_run_blocked'
      ? `${f.method} ${f.host}${f.path} → ${f.status ?? f.code}${f.duration_ms !== undefined ? ` (${f.duration_ms} ms)` : ''}`
      : e.kind === 'log'
        ? `[${f.level}] ${f.message}`
        : [f.outcome, f.code, f.name, f.reason, f.worker_id].filter(Boolean).join(' ');
  return `${e.at}  ${e.job_id}.${e.attempt} #${e.seq}  ${e.kind.padEnd(15)} ${detail}`.trimEnd();
}
