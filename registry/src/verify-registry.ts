import { isJobForgeError, type KeyInput } from '@jobforge/sdk';
import { loadIndex } from './load-index.js';
import { readArtifact } from './read-artifact.js';
import { findStrays } from './read-registry-dir.js';
import { openRegistrySource } from './registry-source.js';

export interface RegistryProblem {
  code: string;
  message: string;
  where: string;
}

export interface RegistryVerification {
  ok: boolean;
  /** Key id of the valid signature, when there is one. */
  keyid?: string;
  connectors: number;
  versions: number;
  problems: RegistryProblem[];
}

/**
 * Checks a whole registry, directory or URL: the index's signature against the given public keys,
 * its schema and format, every artifact's size and integrity, and (for a directory) stray files.
 * Reports every problem rather than stopping at the first; never throws for a bad registry.
 *
 * @example
 * const report = await verifyRegistry('dist/registry', [publicKeyPem]);
 * for (const p of report.problems) console.error(p.code, p.message);
 */
export async function verifyRegistry(
  location: string,
  publicKeys: readonly KeyInput[],
  options: { timeoutMs?: number } = {},
): Promise<RegistryVerification> {
  const source = openRegistrySource(location, options);
  const problems: RegistryProblem[] = [];
  const report = (error: unknown, where: string): void => {
    if (!isJobForgeError(error)) throw error;
    problems.push({ code: error.code, message: error.message, where: error.where ?? where });
  };
  if (!/^https?:/i.test(location)) {
    try {
      const strays = await findStrays(location);
      for (const stray of strays)
        problems.push({
          code: 'REGISTRY_DIR_STRAY',
          message: `${stray} is not part of a registry; move it away`,
          where: source.describe(stray),
        });
    } catch (error) {
      report(error, location);
    }
  }
  let loaded: Awaited<ReturnType<typeof loadIndex>>;
  try {
    loaded = await loadIndex(source, { trustedKeys: publicKeys });
  } catch (error) {
    report(error, location);
    return { ok: false, connectors: 0, versions: 0, problems };
  }
  const versions = loaded.index.connectors.flatMap((c) => c.versions.map((v) => ({ id: c.id, v })));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < versions.length) {
      const { id, v } = versions[next++]!;
      try {
        await readArtifact(source, id, v);
      } catch (error) {
        report(error, source.describe(v.artifact.path));
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  problems.sort((a, b) => (a.where < b.where ? -1 : a.where > b.where ? 1 : 0));
  return {
    ok: problems.length === 0,
    ...(loaded.keyid ? { keyid: loaded.keyid } : {}),
    connectors: loaded.index.connectors.length,
    versions: versions.length,
    problems,
  };
}
