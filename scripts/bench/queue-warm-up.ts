import { createPgDriver } from '../../queue/src/index.js';

/**
 * A fresh cluster creates each WAL segment on first use, which slows whichever queue the harness
 * measures first. Writing ~200 MB of WAL and checkpointing first lets every variant write into
 * recycled segments, so the run order does not pick a loser.
 */
export async function warmUp(url: string): Promise<void> {
  const driver = createPgDriver({ connectionString: url, max: 1 });
  try {
    await driver.query('drop table if exists jobforge_bench_warm_up');
    await driver.query(
      `create table jobforge_bench_warm_up as select g, repeat('x', 400) as pad from generate_series(1, 400000) g`,
    );
    await driver.query('drop table jobforge_bench_warm_up');
    await driver.query('checkpoint');
  } finally {
    await driver.close();
  }
}
