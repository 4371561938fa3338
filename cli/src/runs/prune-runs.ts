import type { PruneResult } from '@jobforge/queue';
import { JobForgeError } from '@jobforge/sdk';
import type { RunStores } from './run-stores.js';

const UNITS: Record<string, [string, number]> = {
  s: ['seconds', 1000],
  m: ['minutes', 60_000],
  h: ['hours', 3_600_000],
  d: ['days', 86_400_000],
};

function matchAge(text: string, where: string): [number, [string, number]] {
  const match = /^(\d{1,6})([smhd])$/.exec(text.trim());
  if (!match)
    throw new JobForgeError(
      'INVALID_AGE',
      `${where} must be a number and a unit (s, m, h, d), got ${JSON.stringify(text)}`,
      { where, hint: `for example ${where} 30d` },
    );
  return [Number(match[1]), UNITS[match[2]!]!];
}

/** `30d`, `12h`, `90m`, `45s` → a PostgreSQL interval; anything else is a usage error. */
export function parseAge(text: string, where = '--older-than'): string {
  const [n, [unit]] = matchAge(text, where);
  return `${n} ${unit}`;
}

/** The same syntax as parseAge, in milliseconds (at least one second). */
export function parseAgeMs(text: string, where: string): number {
  const [n, [, ms]] = matchAge(text, where);
  return Math.max(1, n) * ms;
}

export interface PruneTotals extends Omit<PruneResult, 'more' | 'fs_sha256'> {
  batches: number;
  files: number;
}

/**
 * Prunes finished jobs' records batch by batch (each batch one transaction of at most `batch`
 * jobs) until none is left, then deletes the filesystem artifacts no manifest names any more.
 */
export async function pruneRuns(
  stores: RunStores,
  opts: { olderThan: string; statuses?: string[]; dryRun?: boolean; batch?: number },
): Promise<PruneTotals> {
  const totals: PruneTotals = {
    jobs: 0,
    attempts: 0,
    results: 0,
    events: 0,
    manifests: 0,
    blobs: 0,
    dry_run: opts.dryRun ?? false,
    batches: 0,
    files: 0,
  };
  for (;;) {
    const r = await stores.runs.pruneRuns({
      olderThan: opts.olderThan,
      ...(opts.statuses ? { statuses: opts.statuses } : {}),
      limit: opts.batch ?? 500,
      dryRun: opts.dryRun ?? false,
    });
    totals.batches++;
    for (const k of ['jobs', 'attempts', 'results', 'events', 'manifests', 'blobs'] as const)
      totals[k] += r[k];
    for (const sha of r.fs_sha256) {
      await stores.large.remove?.(sha);
      totals.files++;
    }
    // A dry run selects the same batch each time: one look is the answer.
    if (!r.more || opts.dryRun) return totals;
  }
}
