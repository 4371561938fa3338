import semver from 'semver';
import type { RegistryIndex } from './index-format.js';

/** Longer semver ranges are refused before semver parses them (its cost grows with the text). */
export const MAX_RANGE_LENGTH = 256;

/**
 * Shapes `registry build` never writes, which a signed index must not have either: the schema
 * cannot say them, and each would let another artifact run or a yank be evaded. A connector id
 * twice, a version twice, two versions equal but for `+build` metadata (semver orders them the
 * same, so which one resolves is up to the list), or versions not newest first (`^1` would pick
 * 1.0.0 over 1.2.0). Returns one line per problem, at most `limit`.
 */
export function indexShapeProblems(index: RegistryIndex, limit = 10): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  let previousId: string | undefined;
  for (const [c, connector] of index.connectors.entries()) {
    if (problems.length >= limit) break;
    if (ids.has(connector.id))
      problems.push(`/connectors/${c}/id: ${connector.id} is listed twice`);
    else if (previousId !== undefined && connector.id < previousId)
      problems.push(
        `/connectors/${c}/id: ${connector.id} is out of order (connectors are sorted by id)`,
      );
    ids.add(connector.id);
    previousId = connector.id;
    for (const [v, version] of connector.versions.entries())
      for (const engine of ['node', 'jobforge'] as const) {
        const range = version.engines?.[engine];
        if (typeof range === 'string' && range.length > MAX_RANGE_LENGTH)
          problems.push(
            `/connectors/${c}/versions/${v}/engines/${engine}: a range of ${range.length} characters (at most ${MAX_RANGE_LENGTH}); semver would spend minutes on it`,
          );
      }
    for (let v = 1; v < connector.versions.length && problems.length < limit; v++) {
      const newer = connector.versions[v - 1]!.version;
      const older = connector.versions[v]!.version;
      const order = semver.compare(newer, older);
      if (order === 0)
        problems.push(
          `/connectors/${c}/versions/${v}/version: ${connector.id}@${older} is listed twice (build metadata does not make a new version)`,
        );
      else if (order < 0)
        problems.push(
          `/connectors/${c}/versions/${v}/version: ${connector.id}@${older} comes after ${newer} (versions are newest first)`,
        );
    }
  }
  return problems;
}
