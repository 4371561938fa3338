import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { JobForgeError, type KeyInput, keyIdOf } from '@jobforge/sdk';
import { BuildCache } from './build-cache.js';
import { type Bundle, type BundleRequest, bundleConnectors } from './bundle-connectors.js';
import type { Diagnostic } from './diagnostic.js';
import {
  artifactPath,
  INDEX_FILE,
  type RegistryIndex,
  SCHEMA_FILE,
  SIGNATURE_FILE,
} from './index-format.js';
import { nextSignature, type SigningOptions } from './index-freshness.js';
import { INDEX_SCHEMA_TEXT } from './index-schema.js';
import { integrityHex } from './integrity.js';
import { type BuiltVersion, mergeIndex, serializeIndex } from './merge-index.js';
import { readRegistryDir, refuseStrays } from './read-registry-dir.js';
import { epochToIso } from './source-date-epoch.js';
import { validateConnectors } from './validate-connectors.js';
import { versionRecord } from './version-record.js';
import { writeIfChanged } from './write-if-changed.js';

export interface BuildRegistryOptions {
  /** Folder of connector folders. Default `connectors`. */
  connectorsDir?: string;
  /** The registry directory to build into (existing versions are kept). Default `registry-index`. */
  outDir?: string;
  /** Ed25519 private key that signs the index; without one the index is written unsigned. */
  key?: KeyInput;
  /** Serial and expiry of the signature (see index-freshness.ts). */
  signing?: SigningOptions;
  /** Validate, bundle and merge, but write nothing. */
  dryRun?: boolean;
  /** Seconds since the epoch stamped on newly published versions (default: $SOURCE_DATE_EPOCH, else none). */
  sourceDateEpoch?: string;
  /** Base for relative paths. Default process.cwd(). */
  cwd?: string;
}

export interface BuildRegistryResult {
  outDir: string;
  index: RegistryIndex;
  /** One row per connector folder built. */
  built: {
    id: string;
    version: string;
    integrity: string;
    size: number;
    state: 'added' | 'unchanged';
  }[];
  /** Files written (relative to outDir); empty on an unchanged rebuild. */
  written: string[];
  /** Key id of the signature, when signed. */
  keyid?: string;
  bundled: number;
  cached: number;
  warnings: Diagnostic[];
  /** Where the time went, in ms (writeMs stays 0 on a dry run). */
  timings: { validateMs: number; lookupMs: number; bundleMs: number; writeMs: number };
}

/**
 * Builds a registry directory from connector folders: validates every connector (refusing to publish
 * if any is invalid), bundles each entry with esbuild without running it, adds the versions to the
 * index (published versions are immutable), and writes artifacts, index.json, index.schema.json and
 * the signature, each atomically and only when its bytes changed. The same inputs give the same bytes.
 *
 * @example
 * const result = await buildRegistry({ connectorsDir: 'connectors', outDir: 'dist/registry', key });
 */
export async function buildRegistry(
  options: BuildRegistryOptions = {},
): Promise<BuildRegistryResult> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const root = resolve(cwd, options.connectorsDir ?? 'connectors');
  const outDir = resolve(cwd, options.outDir ?? 'registry-index');
  if (!existsSync(root))
    throw new JobForgeError('CONNECTORS_NOT_FOUND', `${root} does not exist`, {
      where: root,
      hint: 'pass the folder of connector folders with --connectors (default: connectors/)',
    });
  let mark = performance.now();
  const lap = (): number => {
    const now = performance.now();
    const spent = now - mark;
    mark = now;
    return Math.round(spent * 10) / 10;
  };
  const timings = { validateMs: 0, lookupMs: 0, bundleMs: 0, writeMs: 0 };
  const { connectors, diagnostics } = await validateConnectors([root], { cwd, against: false });
  timings.validateMs = lap();
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw invalidConnectors(errors, connectors);

  const state = await readRegistryDir(outDir);
  refuseStrays(outDir, state.strays);
  const cache = await BuildCache.open(outDir, root);
  const requests: (BundleRequest & { metadataPath: string })[] = [];
  const results = new Map<string, Pick<Bundle, 'integrity' | 'size'> & { code?: Uint8Array }>();
  const hits = connectors.map((c) => {
    const meta = c.metadata!;
    const metadataPath = join(c.dir, 'metadata.json');
    const hit = cache.lookup(meta.connector_id, metadataPath);
    const kept = hit && existsSync(join(outDir, artifactPath(integrityHex(hit.integrity)!)));
    return { c, meta, metadataPath, hit: kept ? hit : undefined };
  });
  for (const { c, meta, metadataPath, hit } of hits) {
    if (hit) results.set(meta.connector_id, hit);
    else
      requests.push({
        id: meta.connector_id,
        dir: c.dir,
        entry: resolve(c.dir, meta.entry),
        metadataPath,
      });
  }
  timings.lookupMs = lap();
  const bundles = await bundleConnectors(requests, root);
  for (const r of requests) {
    const bundle = bundles.get(r.id)!;
    results.set(r.id, bundle);
    cache.record(r.id, r.metadataPath, bundle.inputs, bundle);
  }
  timings.bundleMs = lap();

  const publishedAt = epochToIso(options.sourceDateEpoch ?? process.env.SOURCE_DATE_EPOCH);
  const built: BuiltVersion[] = connectors.map((c) => {
    const meta = c.metadata as unknown as Record<string, unknown> & { connector_id: string };
    const { integrity, size } = results.get(meta.connector_id)!;
    const path = artifactPath(integrityHex(integrity)!);
    return {
      id: meta.connector_id,
      file: c.file,
      record: versionRecord(meta, { path, integrity, size }, publishedAt),
    };
  });
  const before = new Set(
    (state.index?.connectors ?? []).flatMap((c) => c.versions.map((v) => `${c.id}@${v.version}`)),
  );
  const index = mergeIndex(state.index, built);
  const result: BuildRegistryResult = {
    outDir,
    index,
    built: built.map(({ id, record }) => ({
      id,
      version: record.version,
      integrity: record.artifact.integrity,
      size: record.artifact.size,
      state: before.has(`${id}@${record.version}`) ? 'unchanged' : 'added',
    })),
    written: [],
    bundled: requests.length,
    cached: connectors.length - requests.length,
    warnings: diagnostics.filter((d) => d.severity !== 'error'),
    timings,
  };
  if (options.key) result.keyid = keyIdOf(options.key);
  if (options.dryRun) return result;

  // Artifacts first, index next, signature last: a reader never sees an index naming a missing file.
  // Each write is fsynced; a few at a time overlap the waits.
  let next = 0;
  const writer = async (): Promise<void> => {
    while (next < requests.length) {
      const bundle = results.get(requests[next++]!.id)!;
      const path = artifactPath(integrityHex(bundle.integrity)!);
      if (await writeIfChanged(join(outDir, path), bundle.code!)) result.written.push(path);
    }
  };
  await Promise.all(Array.from({ length: 16 }, writer));
  result.written.sort();
  const indexBytes = Buffer.from(serializeIndex(index));
  if (await writeIfChanged(join(outDir, SCHEMA_FILE), Buffer.from(INDEX_SCHEMA_TEXT)))
    result.written.push(SCHEMA_FILE);
  if (await writeIfChanged(join(outDir, INDEX_FILE), indexBytes)) result.written.push(INDEX_FILE);
  if (options.key) {
    const envelope = await nextSignature(outDir, indexBytes, options.key, options.signing);
    if (await writeIfChanged(join(outDir, SIGNATURE_FILE), Buffer.from(envelope)))
      result.written.push(SIGNATURE_FILE);
  } else {
    // A signature of an older index would only mislead: an unsigned build removes it.
    const { rm } = await import('node:fs/promises');
    await rm(join(outDir, SIGNATURE_FILE), { force: true });
  }
  await cache.save();
  timings.writeMs = lap();
  return result;
}

function invalidConnectors(
  errors: Diagnostic[],
  connectors: { file: string; metadata?: { connector_id?: string }; valid: boolean }[],
): JobForgeError {
  const names = connectors.filter((c) => !c.valid).map((c) => c.metadata?.connector_id ?? c.file);
  const shown = errors
    .slice(0, 30)
    .map((d) => `${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`);
  if (errors.length > shown.length) shown.push(`… and ${errors.length - shown.length} more`);
  return new JobForgeError(
    'VALIDATION_FAILED',
    `refusing to publish: ${names.length > 0 ? names.join(', ') : 'the connectors'} ${names.length === 1 ? 'is' : 'are'} invalid\n  ${shown.join('\n  ')}`,
    {
      where: [...new Set(errors.map((d) => d.file))].join(', '),
      hint: 'fix them (`jobforge validate` shows each problem), then build again; nothing was written',
    },
  );
}
