import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { JobForgeError, type KeyInput, writeFileAtomic } from '@jobforge/sdk';
import { INDEX_FILE, SIGNATURE_FILE } from './index-format.js';
import { nextSignature } from './index-freshness.js';
import { serializeIndex } from './merge-index.js';
import { parseIndex } from './parse-index.js';

/**
 * Marks one published version yanked: it stays in the index (and its artifact on disk) so existing
 * pins can be audited, but clients never resolve it. A signed registry is re-signed, so the key
 * is required for one.
 *
 * @example
 * await yankVersion('dist/registry', 'echo', '1.0.1', { key, reason: 'drops messages' });
 */
export async function yankVersion(
  dir: string,
  id: string,
  version: string,
  options: { key?: KeyInput; reason?: string } = {},
): Promise<{ alreadyYanked: boolean }> {
  const indexPath = join(dir, INDEX_FILE);
  let bytes: Buffer;
  try {
    bytes = await readFile(indexPath);
  } catch {
    throw new JobForgeError('REGISTRY_NOT_FOUND', `${indexPath} does not exist`, {
      where: indexPath,
      hint: 'pass the registry directory with --dir',
    });
  }
  const index = parseIndex(bytes, indexPath);
  const signed = await readFile(join(dir, SIGNATURE_FILE)).then(
    () => true,
    () => false,
  );
  if (signed && !options.key)
    throw new JobForgeError(
      'KEY_REQUIRED',
      `${dir} is signed; yanking changes the index, which must be signed again`,
      {
        where: join(dir, SIGNATURE_FILE),
        hint: 'pass the registry key with --key FILE',
      },
    );
  const connector = index.connectors.find((c) => c.id === id);
  const entry = connector?.versions.find((v) => v.version === version);
  if (!entry)
    throw new JobForgeError('VERSION_NOT_FOUND', `${id}@${version} is not published in ${dir}`, {
      where: indexPath,
      hint: connector
        ? `published versions: ${connector.versions.map((v) => v.version).join(', ')}`
        : 'check the connector id',
    });
  if (entry.yanked) return { alreadyYanked: true };
  entry.yanked = true;
  if (options.reason) entry.yank_reason = options.reason;
  // Keep the key order of a built record: yank_reason right after yanked.
  const ordered = Object.fromEntries(
    Object.entries(entry).sort(([a], [b]) => order(a) - order(b)),
  ) as typeof entry;
  connector!.versions[connector!.versions.indexOf(entry)] = ordered;
  const next = Buffer.from(serializeIndex(index));
  await writeFileAtomic(indexPath, next);
  if (options.key)
    await writeFileAtomic(join(dir, SIGNATURE_FILE), await nextSignature(dir, next, options.key));
  return { alreadyYanked: false };
}

function order(key: string): number {
  return key === 'version' ? 0 : key === 'yanked' ? 1 : key === 'yank_reason' ? 2 : 3;
}
