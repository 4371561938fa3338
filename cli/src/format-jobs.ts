import type { Job, JobDetails } from '@jobforge/queue';
import { formatTable } from './format-table.js';

/** The `jobs list` table. */
export function formatJobs(jobs: Job[]): string {
  if (jobs.length === 0) return 'no jobs';
  return formatTable(
    ['id', 'type', 'status', 'attempts', 'tenant', 'run at', 'last error'],
    jobs.map((j) => [
      j.id,
      j.type,
      j.status,
      `${j.attempts}/${j.max_attempts}`,
      `${j.tenant_id.slice(0, 8)}…`,
      j.run_at.replace(/\.\d+/, ''),
      j.last_error ? `${j.last_error.code}: ${j.last_error.message}`.slice(0, 60) : '',
    ]),
  );
}

/** `jobs show`: the job, its attempts and its results. */
export function formatJob(job: JobDetails): string {
  const lines = [
    `job ${job.id} (${job.type}) — ${job.status}, attempt ${job.attempts} of ${job.max_attempts}`,
    `tenant ${job.tenant_id}${job.trace_id ? `, trace ${job.trace_id}` : ''}`,
    `payload ${JSON.stringify(job.payload)}`,
  ];
  for (const a of job.attempt_history)
    lines.push(
      `  attempt ${a.attempt}: ${a.outcome}${a.error ? ` — ${a.error.code}: ${a.error.message}` : ''}${a.worker_id ? ` (worker ${a.worker_id})` : ''}`,
    );
  for (const r of job.results)
    lines.push(
      `  result (${r.status}): ${JSON.stringify(r.error ?? r.result)}${r.evidence ? ' · signed evidence stored' : ''}`,
    );
  return lines.join('\n');
}
