import { join } from 'node:path';
import { JobForgeError } from '@jobforge/sdk';
import { artifactCache } from './artifact-cache.js';
import type { IndexVersion } from './index-format.js';
import { type LoadedIndex, loadIndex, type TrustOptions } from './load-index.js';
import { readArtifact } from './read-artifact.js';
import { openRegistrySource } from './registry-source.js';
import { type Resolution, type ResolveOptions, resolveVersion } from './resolve-version.js';
import { fileSerialStore } from './serial-store.js';

export interface RegistryClientOptions extends TrustOptions {
  /** A registry directory, or its http(s) base URL. */
  registry: string;
  /** Where verified artifacts are kept, by sha256. Default `.jobforge/cache/artifacts`. */
  cacheDir?: string;
  /**
   * The file that remembers the highest index serial accepted per registry and key, so an older
   * signed index is refused later (INDEX_ROLLBACK). Default `index-serials.json` in `cacheDir`.
   */
  serialsFile?: string;
  /** Per HTTP request. Default 10 s. */
  timeoutMs?: number;
  /** What the host offers; versions needing more are not resolved. */
  host?: ResolveOptions;
  /** Called with each warning (deprecated version, untrusted index allowed, cache repaired). */
  onWarning?: (message: string) => void;
}

/** A verified artifact on disk, ready to import. */
export interface FetchedArtifact {
  path: string;
  bytes: Buffer;
  integrity: string;
  fromCache: boolean;
}

/**
 * The client hosts use to load connectors from a registry: loads the index and checks its
 * signature, resolves `id@range` for what the host offers, and fetches artifacts, verifying their
 * integrity before anything reads them.
 *
 * @example
 * const client = createRegistryClient({ registry: 'https://…/registry', trustedKeys: [pem] });
 * const { version } = await client.resolve('echo@^1');
 * const artifact = await client.fetchArtifact('echo', version);
 * const connector = (await import(pathToFileURL(artifact.path).href)).default;
 */
export function createRegistryClient(options: RegistryClientOptions) {
  const source = openRegistrySource(options.registry, {
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  const cacheDir = options.cacheDir ?? join('.jobforge', 'cache', 'artifacts');
  const cache = artifactCache(cacheDir);
  const warn = options.onWarning ?? (() => {});
  const serials =
    options.serials ?? fileSerialStore(options.serialsFile ?? join(cacheDir, 'index-serials.json'));
  let loaded: LoadedIndex | undefined;

  const load = async (): Promise<LoadedIndex> => {
    loaded = await loadIndex(source, { ...options, serials }, loaded);
    for (const warning of loaded.warnings) warn(warning);
    return loaded;
  };

  return {
    source,
    /** Loads the index, or refreshes it (If-None-Match) when it was loaded before. */
    load,
    /** Resolves a spec against the loaded index (loading it first if needed); throws when nothing fits. */
    async resolve(spec: string, resolveOptions: ResolveOptions = {}) {
      const { index } = loaded ?? (await load());
      const picked: Resolution = resolveVersion(index, spec, {
        ...options.host,
        ...resolveOptions,
      });
      if (!picked.ok)
        throw new JobForgeError(picked.code, picked.message, {
          where: `${options.registry} ${spec}`,
          hint:
            picked.code === 'INVALID_SPEC'
              ? 'write the connector as <id>@<range>, e.g. echo@^1'
              : 'choose another range, or change what the host allows',
        });
      for (const warning of picked.warnings) warn(warning);
      return picked;
    },
    /** Returns the artifact of a version, from the cache when intact, else fetched and verified. */
    async fetchArtifact(id: string, version: IndexVersion): Promise<FetchedArtifact> {
      const { integrity } = version.artifact;
      const cached = await cache.get(integrity);
      if (cached.state === 'hit')
        return { path: cached.path, bytes: cached.bytes, integrity, fromCache: true };
      if (cached.state === 'corrupt')
        warn(`the cached artifact of ${id}@${version.version} was corrupted; fetched it again`);
      const bytes = await readArtifact(source, id, version);
      const stored = await cache.put(integrity, bytes);
      return { path: stored, bytes, integrity, fromCache: false };
    },
  };
}

export type RegistryClient = ReturnType<typeof createRegistryClient>;
