import type { KeyObject } from 'node:crypto';
import { verifyEvidence } from '@jobforge/sdk';
import { CONNECTOR_JOB_TYPE, createConnectorJobHandler } from './connector-job-handler.js';
import { formatTable } from './format-table.js';

/** The reference connector runs the demo queues, each with an idempotency key. */
const JOBS = [
  { connector: 'echo', input: { message: 'queued hello' }, key: 'demo-1' },
  { connector: 'echo', input: { message: 'queued and shouted', uppercase: true }, key: 'demo-2' },
  { connector: 'echo', input: { message: 'queued hello' }, key: 'demo-1' }, // a duplicate
];

export interface QueueDemoReport {
  rows: { job: string; connector: string; status: string; attempts: string; evidence: string }[];
  enqueued: number;
  distinct: number;
  allVerified: boolean;
  /** What the cron and event triggers did (their jobs are among the rows). */
  triggers?: string[];
  /** The audit chain those wrote, and `audit verify` of it. */
  audit?: string[];
}

/**
 * The queue leg of the demo, on an in-memory embedded database: enqueue connector jobs (one of
 * them twice under the same key), let a worker run them, verify every job's stored evidence.
 */
export async function runQueueDemo(
  connectorsDir: string,
  key: KeyObject,
  publicKey: KeyObject,
): Promise<QueueDemoReport> {
  const { createPgliteDriver, createQueueClient, migrate, runWorker } = await import(
    '@jobforge/queue'
  );
  const { createRuntime } = await import('@jobforge/runtime');
  const driver = await createPgliteDriver();
  // The worker runs connector jobs in the sandbox, which signs their evidence with the host key.
  const runtime = await createRuntime({ signingKey: key, pool: { maxChildren: 2, warm: 0 } });
  try {
    await migrate(driver);
    const audit = await import('./audit-demo.js');
    await audit.startAuditDemo(driver);
    const queue = createQueueClient(driver, { tenantId: '00000000-0000-4000-8000-000000000001' });
    const ids: string[] = [];
    for (const job of JOBS) {
      const { id } = await queue.enqueue(
        CONNECTOR_JOB_TYPE,
        { connector: job.connector, input: job.input },
        { idempotencyKey: job.key, traceId: `demo-${job.key}` },
      );
      ids.push(id);
    }
    // A cron trigger and an event trigger enqueue connector jobs too; the worker runs them all.
    const { runTriggersDemo } = await import('./triggers-demo.js');
    const triggers = await runTriggersDemo(driver, '00000000-0000-4000-8000-000000000001');
    const distinct = [...new Set(ids)];
    const all = [...distinct, ...triggers.jobIds];
    const worker = await runWorker({
      client: queue,
      concurrency: 2,
      handlers: { [CONNECTOR_JOB_TYPE]: createConnectorJobHandler({ runtime, connectorsDir }) },
    });
    try {
      for (let waited = 0; waited < 30_000; waited += 20) {
        const open = await queue.list({ status: 'queued' });
        const running = await queue.list({ status: 'running' });
        if (open.length + running.length === 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await worker.stop();
    }
    let allVerified = true;
    const rows: QueueDemoReport['rows'] = [];
    for (const id of all) {
      const job = await queue.get(id);
      const result = job?.results.at(-1);
      const checked = result?.evidence
        ? verifyEvidence(result.evidence as Parameters<typeof verifyEvidence>[0], publicKey)
        : { ok: false as const, reason: 'no evidence stored' };
      allVerified &&= job?.status === 'succeeded' && checked.ok;
      rows.push({
        job: id,
        connector: String((job?.payload as { connector?: string })?.connector ?? '?'),
        status: job?.status ?? 'missing',
        attempts: String(job?.attempts ?? 0),
        evidence: checked.ok
          ? 'signature verified'
          : `INVALID: ${'reason' in checked ? checked.reason : ''}`,
      });
    }
    const audited = await audit.finishAuditDemo(driver, key, publicKey);
    return {
      rows,
      enqueued: JOBS.length,
      distinct: distinct.length,
      allVerified: allVerified && audited.ok,
      triggers: triggers.lines,
      audit: audited.lines,
    };
  } finally {
    await runtime.close();
    await driver.close();
  }
}

export function formatQueueDemo(report: QueueDemoReport): string {
  return [
    `queue: ${report.enqueued} connector jobs enqueued, ${report.distinct} distinct (idempotency key), run by a worker in the sandbox on the embedded database`,
    ...(report.triggers ?? []),
    formatTable(
      ['job', 'connector', 'status', 'attempts', 'evidence'],
      report.rows.map((r) => [r.job, r.connector, r.status, r.attempts, r.evidence]),
    ),
    ...(report.audit ?? []),
    report.allVerified ? 'queue demo passed' : 'queue demo FAILED',
  ].join('\n');
}
