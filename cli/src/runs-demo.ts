import type { KeyObject } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunsDemoReport {
  runId: string;
  impact: string;
  replay: string;
  ok: boolean;
}

/**
 * The run-records leg of the demo, on its own embedded database: one connector job recorded by the
 * worker's handler, then `impact show` and `replay` of that run, which must print `identical`.
 */
export async function runRunsDemo(
  connectorsDir: string,
  key: KeyObject,
  publicKey: KeyObject,
): Promise<RunsDemoReport> {
  const { createPgliteDriver, createQueueClient, migrate, silentLogger } = await import(
    '@jobforge/queue'
  );
  const { createRuntime, explainRun, formatImpact, loadRun, prepareConnectorDir, replayRun } =
    await import('@jobforge/runtime');
  const { CONNECTOR_JOB_TYPE, createConnectorJobHandler } = await import(
    './connector-job-handler.js'
  );
  const { openRunStores } = await import('./runs/run-stores.js');
  const { formatReplay } = await import('./runs/replay-recorded-run.js');
  const dir = await mkdtemp(join(tmpdir(), 'jobforge-demo-runs-'));
  const driver = await createPgliteDriver();
  const runtime = await createRuntime({ signingKey: key, pool: { maxChildren: 1, warm: 0 } });
  try {
    await migrate(driver);
    const queue = createQueueClient(driver, { tenantId: '00000000-0000-4000-8000-000000000001' });
    const stores = await openRunStores(driver, { artifactsDir: join(dir, 'artifacts') });
    const handle = createConnectorJobHandler({ runtime, connectorsDir, record: { stores } });
    const { id } = await queue.enqueue(CONNECTOR_JOB_TYPE, {
      connector: 'echo',
      input: { message: 'on the record' },
      capture: true,
    });
    // One claim and one completion, as a worker does them.
    const [job] = await queue.claim({ workerId: 'demo-worker', limit: 1 });
    let evidence: unknown;
    const result = await handle(job!, {
      signal: new AbortController().signal,
      log: silentLogger,
      workerId: 'demo-worker',
      setEvidence: (e) => {
        evidence = e;
      },
    });
    await queue.complete([{ id, lease: job!.lease, outcome: { ok: true, result, evidence } }]);
    const record = await stores.runs.getRunManifest(id);
    const run = await loadRun(record!, stores.stores, publicKey);
    const impact = explainRun(run);
    const replay = await replayRun(
      runtime,
      run,
      await prepareConnectorDir(join(connectorsDir, 'echo'), join(dir, 'cache')),
    );
    return {
      runId: run.run_id,
      impact: formatImpact(impact),
      replay: formatReplay(replay),
      ok: impact.verified && replay.identical,
    };
  } finally {
    await runtime.close();
    await driver.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export function formatRunsDemo(report: RunsDemoReport): string {
  return [
    `run records: job recorded by the worker, then \`jobforge impact show --run ${report.runId}\` and \`jobforge replay --run ${report.runId}\``,
    report.impact.trimEnd(),
    report.replay.trimEnd(),
    report.ok ? 'run records demo passed' : 'run records demo FAILED',
  ].join('\n');
}
