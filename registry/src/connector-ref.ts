import type { IndexVersion } from './index-format.js';

/**
 * A connector fetched from a registry, in the shape `runtime.run(ref, input, context)` accepts as it
 * is: the verified artifact file, its integrity (the sandbox checks it again before loading) and the
 * metadata the index published for that version.
 */
export interface FetchedConnector {
  artifact: {
    path: string;
    integrity: string;
    metadata: Record<string, unknown> & { connector_id: string; version: string; entry: string };
  };
}

/** Joins a resolved index version and its fetched artifact into a {@link FetchedConnector}. */
export function connectorRef(
  id: string,
  version: IndexVersion,
  artifact: { path: string; integrity: string },
): FetchedConnector {
  // The index's own bookkeeping (where the artifact lives, yanked) is not connector metadata.
  const { artifact: _ref, yanked: _yanked, yank_reason: _reason, ...published } = version;
  return {
    artifact: {
      path: artifact.path,
      integrity: artifact.integrity,
      metadata: { ...published, connector_id: id, entry: artifact.path },
    },
  };
}
