/** One row of the harness's results.json summary. */
export interface Summary {
  variant: string;
  measurement: string;
  unit: 'jobs/s' | 'ms';
  jobsPerSec?: number;
  p50?: number;
  p95?: number;
  p99?: number;
  error?: string;
}

const ORDER = ['enqueueOne', 'enqueueBatch', 'process@10', 'process@1', 'latency@10', 'latency@1'];

/**
 * JobForge against the best anchor variant per measurement: throughput ratio = jobforge / best
 * (above 1 is better), latency ratio = jobforge p50 / best p50 (below 1 is better).
 */
export function formatRatios(summary: Summary[]): string {
  const ours = summary.filter((r) => r.variant === 'jobforge' && !r.error);
  const lines = [
    'JobForge vs the best anchor variant measured in this run',
    '| measurement | jobforge | best anchor | anchor figure | ratio | goal met |',
    '|---|---:|---|---:|---:|---|',
  ];
  for (const row of ours.sort(
    (a, b) => ORDER.indexOf(a.measurement) - ORDER.indexOf(b.measurement),
  )) {
    const rivals = summary.filter(
      (r) =>
        // Anchors only: jobforge-python is JobForge too (the same queue from Python).
        !r.variant.startsWith('jobforge') &&
        !r.error &&
        r.measurement.split('@').slice(0, 2).join('@') === row.measurement,
    );
    if (rivals.length === 0) continue;
    if (row.unit === 'ms') {
      const best = rivals.reduce((a, b) => ((b.p50 ?? Infinity) < (a.p50 ?? Infinity) ? b : a));
      const ratio = row.p50! / best.p50!;
      lines.push(
        `| ${row.measurement} p50 (ms) | ${row.p50!.toFixed(1)} | ${best.variant} | ${best.p50!.toFixed(1)} | ${ratio.toFixed(2)} | ${ratio <= 1 ? 'yes' : 'no'} |`,
      );
    } else {
      const best = rivals.reduce((a, b) => ((b.jobsPerSec ?? 0) > (a.jobsPerSec ?? 0) ? b : a));
      const ratio = row.jobsPerSec! / best.jobsPerSec!;
      lines.push(
        `| ${row.measurement} (jobs/s) | ${row.jobsPerSec!.toFixed(0)} | ${best.variant} | ${best.jobsPerSec!.toFixed(0)} | ${ratio.toFixed(2)} | ${ratio >= 1 ? 'yes' : 'no'} |`,
      );
    }
  }
  return lines.join('\n');
}
