import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { writeFileAtomic } from '@jobforge/sdk';
import { BUNDLE_RECIPE } from './bundle-connectors.js';

/** What the last build of one connector was made from and what it produced. */
export interface CachedBundle {
  /** sha256 of metadata.json plus every input file, by path relative to the connectors root. */
  inputs: Record<string, string>;
  integrity: string;
  size: number;
}

interface CacheFile {
  key: string;
  bundles: Record<string, CachedBundle>;
}

/** Inside the registry directory but hidden: serving and verifying ignore dot entries. */
export const BUILD_CACHE_FILE = join('.cache', 'build.json');

/**
 * The rebuild cache: lets an unchanged connector skip bundling. An entry is used only when every
 * file its bundle was made from hashes the same as then; the cache never changes output bytes,
 * only how fast they are made.
 */
export class BuildCache {
  private readonly fileHashes = new Map<string, Promise<string | undefined>>();

  private constructor(
    private readonly path: string,
    private readonly root: string,
    private readonly key: string,
    private readonly entries: Record<string, CachedBundle>,
  ) {}

  static async open(outDir: string, root: string): Promise<BuildCache> {
    const { version } = await import('esbuild');
    const key = `${BUNDLE_RECIPE}|esbuild@${version}`;
    const path = join(outDir, BUILD_CACHE_FILE);
    let entries: Record<string, CachedBundle> = {};
    try {
      const file = JSON.parse(await readFile(path, 'utf8')) as CacheFile;
      if (file.key === key && typeof file.bundles === 'object' && file.bundles)
        entries = file.bundles;
    } catch {
      // No cache or an unreadable one: everything is bundled afresh.
    }
    return new BuildCache(path, root, key, entries);
  }

  /** The cached bundle of a connector when none of its inputs changed. */
  async lookup(id: string, metadataPath: string): Promise<CachedBundle | undefined> {
    const entry = this.entries[id];
    if (!entry?.inputs[this.rel(metadataPath)]) return undefined;
    for (const [path, hash] of Object.entries(entry.inputs))
      if ((await this.hash(resolve(this.root, path))) !== hash) return undefined;
    return entry;
  }

  async record(
    id: string,
    metadataPath: string,
    inputs: readonly string[],
    bundle: { integrity: string; size: number },
  ): Promise<void> {
    const hashes: Record<string, string> = {};
    for (const path of [metadataPath, ...inputs].sort()) {
      const hash = await this.hash(path);
      if (hash) hashes[this.rel(path)] = hash;
    }
    this.entries[id] = { inputs: hashes, integrity: bundle.integrity, size: bundle.size };
  }

  async save(): Promise<void> {
    const sorted = Object.fromEntries(
      Object.entries(this.entries).sort(([a], [b]) => (a < b ? -1 : 1)),
    );
    await writeFileAtomic(this.path, JSON.stringify({ key: this.key, bundles: sorted }));
  }

  private rel(path: string): string {
    return relative(this.root, path).split(sep).join('/');
  }

  // Many connectors share inputs (the sdk): each file is read and hashed once per build.
  private hash(path: string): Promise<string | undefined> {
    let pending = this.fileHashes.get(path);
    if (!pending) {
      pending = readFile(path).then(
        (bytes) => createHash('sha256').update(bytes).digest('hex'),
        () => undefined,
      );
      this.fileHashes.set(path, pending);
    }
    return pending;
  }
}
