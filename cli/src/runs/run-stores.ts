import type { QueueDriver, RunsClient } from '@jobforge/queue';
import type { ArtifactStore } from '@jobforge/runtime';

/** Where run records live: the runs client and the artifact stores by the name a manifest records. */
export interface RunStores {
  runs: RunsClient;
  stores: Record<string, ArtifactStore>;
  small: ArtifactStore;
  large: ArtifactStore;
}

/**
 * The runs client on this database, small artifacts in it and larger ones in the
 * content-addressed folder (default `.jobforge/artifacts`). Readers and the worker must agree on
 * the folder: `--artifacts-dir` on both.
 */
export async function openRunStores(
  driver: QueueDriver,
  options: { tenantId?: string; artifactsDir?: string } = {},
): Promise<RunStores> {
  const { createRunsClient } = await import('@jobforge/queue');
  const { createDbArtifactStore, createFsArtifactStore } = await import('@jobforge/runtime');
  const runs = createRunsClient(driver, options.tenantId ? { tenantId: options.tenantId } : {});
  const small = createDbArtifactStore(runs);
  const large = createFsArtifactStore(options.artifactsDir);
  return { runs, small, large, stores: { [small.kind]: small, [large.kind]: large } };
}
