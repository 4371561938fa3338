import { isJobForgeError, JobForgeError } from '@jobforge/sdk';
import type { IndexVersion } from './index-format.js';
import { integrityOf, matchesIntegrity } from './integrity.js';
import type { RegistrySource } from './registry-source.js';

/**
 * Reads one version's artifact and checks it against the index before returning it: never more
 * bytes than the index announces, the exact size, the sha256. Throws `ARTIFACT_MISSING` or
 * `ARTIFACT_INTEGRITY` (and the source's network errors).
 */
export async function readArtifact(
  source: RegistrySource,
  id: string,
  version: IndexVersion,
): Promise<Buffer> {
  const { path, size, integrity } = version.artifact;
  const where = source.describe(path);
  const altered = (got: string) =>
    new JobForgeError(
      'ARTIFACT_INTEGRITY',
      `the artifact of ${id}@${version.version} does not match the index: expected ${integrity} (${size} bytes), got ${got}; it was altered, and nothing was loaded`,
      { where, hint: 'do not use this registry until its maintainers rebuild it' },
    );
  let read: Awaited<ReturnType<RegistrySource['read']>>;
  try {
    read = await source.read(path, { maxBytes: size });
  } catch (error) {
    if (isJobForgeError(error) && error.code === 'REGISTRY_TOO_LARGE')
      throw altered(`more than ${size} bytes`);
    throw error;
  }
  if (read.status !== 'ok')
    throw new JobForgeError(
      'ARTIFACT_MISSING',
      `the artifact of ${id}@${version.version} is missing: ${where}`,
      { where, hint: 'the registry is incomplete; ask its maintainers to rebuild it' },
    );
  if (read.bytes.length !== size || !matchesIntegrity(read.bytes, integrity))
    throw altered(`${integrityOf(read.bytes)} (${read.bytes.length} bytes)`);
  return read.bytes;
}
