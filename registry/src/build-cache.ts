import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { writeFileAtomic } from '@jobforge/sdk';
import { BUNDLE_RECIPE } from './bundle-connectors.js';

/** What the last build of one connector was made from and what it produced. */
export interface CachedBundle {
  /** Indexes into the cache's file table: metadata.json and every input file of the bundle. */
  inputs: number[];
  integrity: string;
  size: number;
}

interface CacheFile {
  key: string;
  /** Paths relative to the connectors root, and the sha256 each had when last built. */
  files: string[];
  hashes: string[];
  bundles: Record<string, CachedBundle>;
}

/** Inside the registry directory but hidden: serving and verifying ignore dot entries. */
export const BUILD_CACHE_FILE = join('.cache', 'build.json');

/**
 * The rebuild cache: lets an unchanged connector skip bundling. An entry is used only when every
 * file its bundle was made from hashes the same as then; the cache never changes output bytes,
 * only how fast they are made. Connectors share most inputs (the sdk), so files are listed once.
 */
export class BuildCache {
  private readonly fileHashes = new Map<string, string | undefined>();
  private dirty = false;
  private readonly positions: Map<string, number>;

  private constructor(
    private readonly path: string,
    private readonly root: string,
    private readonly file: CacheFile,
  ) {
    this.positions = new Map(file.files.map((f, i) => [f, i]));
  }

  static async open(outDir: string, root: string): Promise<BuildCache> {
    const { version } = await import('esbuild');
    const key = `${BUNDLE_RECIPE}|esbuild@${version}`;
    const path = join(outDir, BUILD_CACHE_FILE);
    let file: CacheFile = { key, files: [], hashes: [], bundles: {} };
    try {
      const read = JSON.parse(await readFile(path, 'utf8')) as CacheFile;
      if (read.key === key && Array.isArray(read.files) && Array.isArray(read.hashes)) file = read;
    } catch {
      // No cache or an unreadable one: everything is bundled afresh.
    }
    return new BuildCache(path, root, file);
  }

  /** The cached bundle of a connector when none of its inputs changed. */
  lookup(id: string, metadataPath: string): CachedBundle | undefined {
    const entry = this.file.bundles[id];
    if (!entry?.inputs.some((i) => this.file.files[i] === this.rel(metadataPath))) return undefined;
    const same = entry.inputs.every((i) => this.currentHash(i) === this.file.hashes[i]);
    return same ? entry : undefined;
  }

  record(
    id: string,
    metadataPath: string,
    inputs: readonly string[],
    bundle: { integrity: string; size: number },
  ): void {
    const indexes: number[] = [];
    for (const path of [metadataPath, ...inputs].sort()) {
      const hash = this.hash(path);
      if (!hash) continue;
      const rel = this.rel(path);
      let i = this.positions.get(rel);
      if (i === undefined) {
        i = this.file.files.push(rel) - 1;
        this.positions.set(rel, i);
      }
      this.file.hashes[i] = hash;
      indexes.push(i);
    }
    this.file.bundles[id] = { inputs: indexes, integrity: bundle.integrity, size: bundle.size };
    this.dirty = true;
  }

  async save(): Promise<void> {
    if (!this.dirty) return;
    await writeFileAtomic(this.path, JSON.stringify(this.file));
    this.dirty = false;
  }

  // Each table entry is resolved and hashed at most once per build (connectors share the sdk's files).
  private readonly current = new Map<number, string | undefined>();
  private currentHash(i: number): string | undefined {
    if (!this.current.has(i))
      this.current.set(i, this.hash(resolve(this.root, this.file.files[i] ?? '')));
    return this.current.get(i);
  }

  private rel(path: string): string {
    return relative(this.root, path).split(sep).join('/');
  }

  // Many connectors share inputs (the sdk): each file is read and hashed once per build. Reads are
  // synchronous: for thousands of small files that is several times faster than the thread pool.
  private hash(path: string): string | undefined {
    if (this.fileHashes.has(path)) return this.fileHashes.get(path);
    let hash: string | undefined;
    try {
      hash = createHash('sha256').update(readFileSync(path)).digest('hex');
    } catch {
      hash = undefined;
    }
    this.fileHashes.set(path, hash);
    return hash;
  }
}
