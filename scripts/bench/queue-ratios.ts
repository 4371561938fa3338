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
        // Anchors only: jobforge-python is JobForge too (the same queue from Python), and the
        // SQL ceiling is no queue at all.
        isAnchor(r.variant) &&
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

const isAnchor = (variant: string) => !variant.startsWith('jobforge') && variant !== 'sql-ceiling';

interface Goal {
  what: string;
  /** The figures compared, as printed; undefined when a side was not measured. */
  figures?: string;
  ratio?: number;
  goal: string;
  met?: boolean;
}

const find = (summary: Summary[], variant: string, measurement: string) =>
  summary.find((r) => r.variant === variant && r.measurement === measurement && !r.error);

/**
 * The queue goals of issue 18, each a ratio measured in this run: drain at concurrency 10 against
 * the best anchor and against JobForge at 1, enqueue→start latency against graphile-worker (its
 * best variant), and the drain as a fraction of the bare SQL ceiling loop.
 */
export function formatGoals(summary: Summary[]): string {
  const goals: Goal[] = [];
  const drain10 = find(summary, 'jobforge', 'process@10')?.jobsPerSec;
  const drain1 = find(summary, 'jobforge', 'process@1')?.jobsPerSec;
  const rivals10 = summary.filter(
    (r) => isAnchor(r.variant) && r.measurement === 'process@10' && !r.error,
  );
  const best = rivals10.reduce<Summary | undefined>(
    (a, b) => ((b.jobsPerSec ?? 0) > (a?.jobsPerSec ?? 0) ? b : a),
    undefined,
  );
  const throughput = (
    what: string,
    ours: number | undefined,
    theirs: Summary | undefined,
    label: string,
    goal: number,
  ): Goal => {
    if (ours === undefined || theirs?.jobsPerSec === undefined) return { what, goal: `≥ ${goal}×` };
    const ratio = ours / theirs.jobsPerSec;
    return {
      what,
      figures: `${ours.toFixed(0)} vs ${label} ${theirs.jobsPerSec.toFixed(0)} jobs/s`,
      ratio,
      goal: `≥ ${goal}×`,
      met: ratio >= goal,
    };
  };
  goals.push(
    throughput('drain c=10 vs best tuned anchor', drain10, best, best?.variant ?? '', 1.5),
  );
  goals.push(
    throughput(
      'drain c=10 vs JobForge c=1',
      drain10,
      drain1 === undefined
        ? undefined
        : { variant: 'jobforge', measurement: 'process@1', unit: 'jobs/s', jobsPerSec: drain1 },
      'c=1',
      1.3,
    ),
  );
  for (const c of [10, 1]) {
    const ours = find(summary, 'jobforge', `latency@${c}`)?.p50;
    const graphile = summary
      .filter(
        (r) =>
          r.variant.startsWith('graphile-worker') && r.measurement === `latency@${c}` && !r.error,
      )
      .reduce<Summary | undefined>(
        (a, b) => ((b.p50 ?? Infinity) < (a?.p50 ?? Infinity) ? b : a),
        undefined,
      );
    const what = `enqueue→start p50 c=${c} vs graphile-worker`;
    if (ours === undefined || graphile?.p50 === undefined) {
      goals.push({ what, goal: '≤ 0.8×' });
      continue;
    }
    const ratio = ours / graphile.p50;
    goals.push({
      what,
      figures: `${ours.toFixed(1)} vs ${graphile.variant} ${graphile.p50.toFixed(1)} ms`,
      ratio,
      goal: '≤ 0.8×',
      met: ratio <= 0.8,
    });
  }
  goals.push(
    throughput(
      'drain c=10 vs bare SQL ceiling',
      drain10,
      find(summary, 'sql-ceiling', 'process@10'),
      'ceiling',
      0.6,
    ),
  );
  const lines = [
    'Queue goals (issue 18), each a ratio of figures measured in this run',
    '| measurement | figures | ratio | goal | met |',
    '|---|---|---:|---|---|',
  ];
  for (const g of goals) {
    lines.push(
      `| ${g.what} | ${g.figures ?? 'not measured in this run'} | ${g.ratio === undefined ? '–' : `${g.ratio.toFixed(2)}×`} | ${g.goal} | ${g.met === undefined ? '–' : g.met ? 'met' : 'not met'} |`,
    );
  }
  return lines.join('\n');
}
