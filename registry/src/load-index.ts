import { JobForgeError, type KeyInput, parseBoundedJson } from '@jobforge/sdk';
import { INDEX_FILE, type RegistryIndex, SIGNATURE_FILE } from './index-format.js';
import { parseIndex } from './parse-index.js';
import type { RegistrySource } from './registry-source.js';
import { memorySerialStore, type SerialStore } from './serial-store.js';
import { type IndexFreshness, verifyIndexSignature } from './sign-index.js';

/** An index signature is a few hundred bytes; anything near this is hostile. */
const MAX_SIGNATURE_BYTES = 64 * 1024;

export interface TrustOptions {
  /** Public keys whose signature the host accepts. */
  trustedKeys?: readonly KeyInput[];
  /**
   * Accept an unsigned index, or one signed by a key not in trustedKeys, with a warning. An index
   * that does not match a trusted key's signature is refused even so. Default false.
   */
  allowUntrusted?: boolean;
  /** Where the highest serial accepted per registry and key is remembered. Default: in memory. */
  serials?: SerialStore;
  /** The clock expiry is checked against (ms since the epoch). Default Date.now. */
  now?: () => number;
}

export interface LoadedIndex {
  index: RegistryIndex;
  /** Key id that signed it, when the signature was checked against a trusted key. */
  keyid?: string;
  /** The signed serial and expiry, when the signature was checked against a trusted key. */
  freshness?: IndexFreshness;
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
    source.read(SIGNATURE_FILE, {
      ...etagOf(previous?.cache.signatureEtag),
      maxBytes: MAX_SIGNATURE_BYTES,
    }),
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
  const now = trust.now ?? Date.now;
  if (previous && indexRead.status === 'not-modified' && signatureRead.status === 'not-modified') {
    // A mirror that answers 304 forever still cannot keep a signature past its expiry.
    if (previous.freshness) refuseExpired(source, previous.freshness, now());
    return { ...previous, warnings: [] };
  }
  if (indexRead.status === 'not-modified' && !previous)
    throw new JobForgeError(
      'REGISTRY_HTTP_ERROR',
      `${source.describe(INDEX_FILE)} answered 304 Not Modified to a request that had nothing cached`,
      { where: source.describe(INDEX_FILE), hint: 'the server or a proxy is misbehaving' },
    );
  const indexBytes = indexRead.status === 'ok' ? indexRead.bytes : previous!.cache.indexBytes;
  const signatureBytes =
    signatureRead.status === 'ok'
      ? signatureRead.bytes
      : signatureRead.status === 'not-modified'
        ? previous?.cache.signatureBytes
        : undefined;
  const warnings: string[] = [];
  const signed = checkSignature(source, indexBytes, signatureBytes, trust, warnings);
  const keyid = signed?.keyid;
  let freshness: IndexFreshness | undefined;
  if (signed) {
    freshness = await checkFreshness(source, signed, trust, previous, now());
  }
  const index = parseIndex(indexBytes, source.describe(INDEX_FILE));
  const cache: LoadedIndex['cache'] = { indexBytes };
  const indexEtag = indexRead.status === 'ok' ? indexRead.etag : previous?.cache.indexEtag;
  const signatureEtag =
    signatureRead.status === 'ok' ? signatureRead.etag : previous?.cache.signatureEtag;
  if (indexEtag) cache.indexEtag = indexEtag;
  if (signatureEtag) cache.signatureEtag = signatureEtag;
  if (signatureBytes) cache.signatureBytes = signatureBytes;
  if (signed && freshness)
    await (trust.serials ?? memorySerialStore()).record(
      source.location,
      signed.keyid,
      freshness.serial,
    );
  return {
    index,
    warnings,
    cache,
    ...(keyid ? { keyid } : {}),
    ...(freshness ? { freshness } : {}),
  };
}

/**
 * Refuses a signature past its expiry (a frozen mirror) or with a serial lower than one this
 * client already accepted from this registry and key (a rollback to an older signed index).
 */
async function checkFreshness(
  source: RegistrySource,
  signed: { keyid: string; freshness?: IndexFreshness },
  trust: TrustOptions,
  previous: LoadedIndex | undefined,
  now: number,
): Promise<IndexFreshness> {
  const where = source.describe(SIGNATURE_FILE);
  const { freshness } = signed;
  if (!freshness)
    throw new JobForgeError(
      'INDEX_EXPIRED',
      `the index of ${source.location} is signed without a serial and an expiry, so it could be an old copy`,
      {
        where,
        hint: 'ask its maintainers to sign it again with `jobforge registry build --resign`',
      },
    );
  refuseExpired(source, freshness, now);
  const remembered = await (trust.serials ?? memorySerialStore()).highest(
    source.location,
    signed.keyid,
  );
  const seen = Math.max(
    remembered ?? 0,
    previous?.keyid === signed.keyid ? (previous.freshness?.serial ?? 0) : 0,
  );
  if (freshness.serial < seen)
    throw new JobForgeError(
      'INDEX_ROLLBACK',
      `the index of ${source.location} has serial ${freshness.serial}, older than serial ${seen} this client already accepted: a mirror is serving an old copy`,
      { where, hint: 'use the registry’s own address, or wait until the mirror catches up' },
    );
  return freshness;
}

function refuseExpired(source: RegistrySource, freshness: IndexFreshness, now: number): void {
  if (Date.parse(freshness.expires) > now) return;
  throw new JobForgeError(
    'INDEX_EXPIRED',
    `the signature of ${source.location}'s index expired at ${freshness.expires}: the registry (or a mirror) has stopped updating it`,
    {
      where: source.describe(SIGNATURE_FILE),
      hint: 'its maintainers re-sign it with `jobforge registry build --resign`; until then do not trust it',
    },
  );
}

function checkSignature(
  source: RegistrySource,
  indexBytes: Buffer,
  signatureBytes: Buffer | undefined,
  trust: TrustOptions,
  warnings: string[],
): { keyid: string; freshness?: IndexFreshness } | undefined {
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
    // Bounded in bytes by the read and in depth here, before anything walks it.
    envelope = parseBoundedJson(signatureBytes, { maxBytes: MAX_SIGNATURE_BYTES, maxDepth: 8 });
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
  if (checked.ok)
    return { keyid: checked.keyid, ...(checked.freshness ? { freshness: checked.freshness } : {}) };
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
