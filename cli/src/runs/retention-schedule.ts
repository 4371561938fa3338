import type { Logger } from '@jobforge/queue';
import { type PruneTotals, pruneRuns } from './prune-runs.js';
import type { RunStores } from './run-stores.js';

export interface RetentionPolicy {
  /** A PostgreSQL interval (parseAge): finished jobs last changed before it are pruned. */
  olderThan: string;
  /** Only jobs in these statuses (default succeeded, dead, canceled). */
  statuses?: string[];
  /** How often to prune, in ms (the first prune runs at once). */
  everyMs: number;
}

/**
 * The worker-side retention policy: `jobforge prune` on a timer, in the worker's process. Each
 * round prunes in bounded batches (pruneRuns) and never a queued, running or retrying job; a
 * failed round is logged and the next one tries again. The default policy is none (keep
 * everything); the worker starts this only when given `--prune-older-than`.
 *
 * @example
 * const retention = startRetention(stores, { olderThan: '30 days', everyMs: 3_600_000 }, logger);
 * await retention.stop();
 */
export function startRetention(
  stores: RunStores,
  policy: RetentionPolicy,
  logger: Pick<Logger, 'info' | 'warn'>,
  onRound?: (totals: PruneTotals) => void,
): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> = Promise.resolve();
  const tick = () => {
    round = pruneRuns(stores, {
      olderThan: policy.olderThan,
      ...(policy.statuses ? { statuses: policy.statuses } : {}),
    }).then(
      (totals) => {
        if (totals.jobs > 0) logger.info('retention', { ...totals });
        onRound?.(totals);
      },
      (error: unknown) => logger.warn('retention', { error: (error as Error).message }),
    );
    void round.then(() => {
      if (!stopped) timer = setTimeout(tick, policy.everyMs);
    });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await round;
    },
  };
}
