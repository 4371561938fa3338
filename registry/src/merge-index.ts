import { isDeepStrictEqual } from 'node:util';
import { JobForgeError } from '@jobforge/sdk';
import semver from 'semver';
import {
  INDEX_FORMAT,
  INDEX_SCHEMA_ID,
  type IndexConnector,
  type IndexVersion,
  type RegistryIndex,
} from './index-format.js';
import { publishedContent } from './version-record.js';

/** One version built from a connector folder, to be added to the index. */
export interface BuiltVersion {
  id: string;
  /** metadata.json as the user sees it, for messages. */
  file: string;
  record: IndexVersion;
}

/**
 * Adds freshly built versions to the published index. Published versions are immutable: the same
 * version with other content is refused, and so is a new version older than the newest published
 * one. Every refusal is collected and thrown together as `PUBLISH_REFUSED`, naming each connector.
 */
export function mergeIndex(
  existing: RegistryIndex | undefined,
  built: readonly BuiltVersion[],
): RegistryIndex {
  const byId = new Map<string, IndexVersion[]>();
  for (const connector of existing?.connectors ?? [])
    byId.set(connector.id, [...connector.versions]);
  const problems: string[] = [];
  for (const { id, file, record } of built) {
    const versions = byId.get(id) ?? [];
    const same = versions.find((v) => v.version === record.version);
    if (same) {
      // Compared as JSON values, whatever the key order of the index that was read.
      if (!isDeepStrictEqual(publishedContent(same), publishedContent(record)))
        problems.push(
          `${id}@${record.version} (${file}) is already published with other content; published versions are immutable: bump "version" in metadata.json`,
        );
      continue;
    }
    const newest = versions.map((v) => v.version).sort(semver.rcompare)[0];
    if (newest && semver.lt(record.version, newest)) {
      problems.push(
        `${id}@${record.version} (${file}) moves backwards: ${newest} is already published; set "version" above ${newest}`,
      );
      continue;
    }
    byId.set(id, [...versions, record]);
  }
  if (problems.length > 0) {
    throw new JobForgeError('PUBLISH_REFUSED', `refusing to publish:\n  ${problems.join('\n  ')}`, {
      hint: 'nothing was written; fix the versions named above and build again',
    });
  }
  const connectors: IndexConnector[] = [...byId.keys()].sort().map((id) => {
    const versions = byId.get(id)!.sort((a, b) => semver.rcompare(a.version, b.version));
    const newest = versions[0]!;
    return {
      id,
      name: String(newest.name ?? id),
      description: String(newest.description ?? ''),
      versions,
    };
  });
  return { $schema: INDEX_SCHEMA_ID, format: INDEX_FORMAT, connectors };
}

/** The bytes of index.json: fixed key order from construction, two-space indent, final newline. */
export function serializeIndex(index: RegistryIndex): string {
  return `${JSON.stringify(index, null, 2)}\n`;
}
