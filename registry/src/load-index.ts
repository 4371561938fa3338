import { JobForgeError, type KeyInput } from '@jobforge/sdk';
import { INDEX_FILE, type RegistryIndex, SIGNATURE_FILE } from './index-format.js';
import { parseIndex } from './parse-index.js';
import type { RegistrySource } from './registry-source.js';
import { verifyIndexSignature } from './sign-index.js';

export interface TrustOptions {
  /** Public keys whose signature the host accepts. */
  trustedKeys?: readonly KeyInput[];
  /**
   * Accept an unsigned index, or one signed by a key not in trustedKeys, with a warning. An index
   * that does not match a trusted key's signature is refused even so. Default false.
   */
  allowUntrusted?: boolean;
}

export interface LoadedIndex {
  index: RegistryIndex;
  /** Key id that signed it, when the signature was checked against a trusted key. */
  keyid?: string;
  warnings: string[];
  /** ETags and bytes kept for the next refresh. */
  cache: {
    indexEtag?: string;
    signatureEtag?: string;
    indexBytes: Buffer;
    signatureBytes?: Buffer;
  };
}

/**
 * Loads a registry's index and checks its signature against the trusted keys before using it.
 * With `previous`, asks the server with If-None-Match and reuses what did not change.
 */
export async function loadIndex(
  source: RegistrySource,
  trust: TrustOptions,
  previous?: LoadedIndex,
): Promise<LoadedIndex> {
  const [indexRead, signatureRead] = await Promise.all([
    source.read(INDEX_FILE, etagOf(previous?.cache.indexEtag)),
    source.read(SIGNATURE_FILE, etagOf(previous?.cache.signatureEtag)),
  ]);
  if (indexRead.status === 'missing')
    throw new JobForgeError(
      'REGISTRY_NOT_FOUND',
      `there is no registry at ${source.location}: ${source.describe(INDEX_FILE)} does not exist`,
      {
        where: source.describe(INDEX_FILE),
        hint: 'build one with `jobforge registry build --out DIR`, or check the location',
      },
    );
  if (previous && indexRead.status === 'not-modified' && signatureRead.status === 'not-modified')
    return { ...previous, warnings: [] };
  const indexBytes = indexRead.status === 'ok' ? indexRead.bytes : previous!.cache.indexBytes;
  const signatureBytes =
    signatureRead.status === 'ok'
      ? signatureRead.bytes
      : signatureRead.status === 'not-modified'
        ? previous?.cache.signatureBytes
        : undefined;
  const warnings: string[] = [];
  const keyid = checkSignature(source, indexBytes, signatureBytes, trust, warnings);
  const index = parseIndex(indexBytes, source.describe(INDEX_FILE));
  const cache: LoadedIndex['cache'] = { indexBytes };
  const indexEtag = indexRead.status === 'ok' ? indexRead.etag : previous?.cache.indexEtag;
  const signatureEtag =
    signatureRead.status === 'ok' ? signatureRead.etag : previous?.cache.signatureEtag;
  if (indexEtag) cache.indexEtag = indexEtag;
  if (signatureEtag) cache.signatureEtag = signatureEtag;
  if (signatureBytes) cache.signatureBytes = signatureBytes;
  return { index, warnings, cache, ...(keyid ? { keyid } : {}) };
}

function checkSignature(
  source: RegistrySource,
  indexBytes: Buffer,
  signatureBytes: Buffer | undefined,
  trust: TrustOptions,
  warnings: string[],
): string | undefined {
  const where = source.describe(SIGNATURE_FILE);
  const untrusted = (code: string, message: string, hint: string): undefined => {
    if (!trust.allowUntrusted) throw new JobForgeError(code, message, { where, hint });
    warnings.push(`${message}; loaded anyway because untrusted registries are allowed`);
    return undefined;
  };
  if (!signatureBytes)
    return untrusted(
      'INDEX_UNSIGNED',
      `the registry ${source.location} is not signed (no ${SIGNATURE_FILE})`,
      'ask its maintainers to build it with --key, or opt out of verification explicitly',
    );
  let envelope: unknown;
  try {
    envelope = JSON.parse(signatureBytes.toString('utf8'));
  } catch {
    envelope = undefined;
  }
  const keys = trust.trustedKeys ?? [];
  if (keys.length === 0)
    return untrusted(
      'INDEX_UNTRUSTED',
      `no trusted key was given to check the signature of ${source.location}`,
      'pass the registry’s public key (--trust FILE, or trustedKeys)',
    );
  const checked = verifyIndexSignature(indexBytes, envelope, keys);
  if (checked.ok) return checked.keyid;
  if (checked.reason === 'UNKNOWN_KEYID')
    return untrusted(
      'INDEX_UNTRUSTED',
      `the index of ${source.location} is ${checked.message}`,
      'trust the key that signed it only if you know it is the registry’s; otherwise do not use this registry',
    );
  throw new JobForgeError(
    'INDEX_SIGNATURE_INVALID',
    `the index of ${source.location} fails its signature check: ${checked.message} [${checked.reason}]`,
    {
      where,
      hint: 'do not use this registry until its maintainers rebuild and re-sign it',
    },
  );
}

function etagOf(etag: string | undefined): { etag?: string } {
  return etag ? { etag } : {};
}
