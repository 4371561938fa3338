import { createHash } from 'node:crypto';
import {
  canonicalize,
  type DsseEnvelope,
  IN_TOTO_PAYLOAD_TYPE,
  type KeyInput,
  STATEMENT_TYPE,
  signPayload,
  verifyEnvelope,
} from '@jobforge/sdk';
import { INDEX_FILE, INDEX_PREDICATE_TYPE } from './index-format.js';

/**
 * What a signature says about the index's freshness (TUF's snapshot and timestamp ideas, kept
 * small): `serial` grows with every signature the publisher makes, so a client that saw serial 7
 * refuses 6 (a rollback); `expires` bounds how long a signature holds, so a mirror that serves the
 * same index (or answers 304) forever is refused once it passes (a freeze).
 */
export interface IndexFreshness {
  /** A positive integer, higher on every new signature. */
  serial: number;
  /** ISO 8601 time after which the signature no longer holds. */
  expires: string;
}

/** How long a signature holds when the publisher does not say: 30 days. */
export const DEFAULT_INDEX_VALIDITY_MS = 30 * 24 * 3600 * 1000;

/**
 * Signs an index: a DSSE envelope over an in-toto Statement whose subject is index.json's sha256
 * and whose predicate carries the freshness (`serial`, `expires`), signed by the same code as the
 * evidence. Ed25519 is deterministic, so the same index, key and freshness give the same envelope
 * bytes. The envelope stays small however big the index grows.
 *
 * @example
 * const envelope = signIndex(bytes, key, { serial: 8, expires: '2027-01-01T00:00:00.000Z' });
 */
export function signIndex(
  indexBytes: Uint8Array,
  privateKey: KeyInput,
  freshness: IndexFreshness = {
    serial: 1,
    expires: new Date(Date.now() + DEFAULT_INDEX_VALIDITY_MS).toISOString(),
  },
): DsseEnvelope {
  const statement = {
    _type: STATEMENT_TYPE,
    subject: [{ name: INDEX_FILE, digest: { sha256: sha256(indexBytes) } }],
    predicateType: INDEX_PREDICATE_TYPE,
    predicate: { serial: freshness.serial, expires: freshness.expires },
  };
  return signPayload(IN_TOTO_PAYLOAD_TYPE, canonicalize(statement), privateKey);
}

export type IndexSignatureCheck =
  | { ok: true; keyid: string; freshness?: IndexFreshness }
  | { ok: false; reason: string; message: string };

/**
 * Checks that an envelope is a trusted key's signature of exactly these index bytes. Never throws
 * for hostile input; a bad trusted key is the caller's configuration and throws INVALID_KEY.
 */
export function verifyIndexSignature(
  indexBytes: Uint8Array,
  envelope: unknown,
  trustedKeys: KeyInput | readonly KeyInput[],
): IndexSignatureCheck {
  const opened = verifyEnvelope(envelope, IN_TOTO_PAYLOAD_TYPE, trustedKeys);
  if (!opened.ok) return { ok: false, reason: opened.reason, message: opened.message };
  let statement: {
    predicateType?: unknown;
    subject?: { name?: unknown; digest?: { sha256?: unknown } }[];
    predicate?: { serial?: unknown; expires?: unknown };
  };
  try {
    statement = JSON.parse(opened.statement);
  } catch {
    return { ok: false, reason: 'NOT_AN_INDEX_STATEMENT', message: 'the payload is not JSON' };
  }
  if (statement?.predicateType !== INDEX_PREDICATE_TYPE)
    return {
      ok: false,
      reason: 'NOT_AN_INDEX_STATEMENT',
      message: `the signed statement's predicateType is ${JSON.stringify(statement?.predicateType)}, expected ${INDEX_PREDICATE_TYPE}`,
    };
  const subject = Array.isArray(statement.subject)
    ? statement.subject.find((s) => s?.name === INDEX_FILE)
    : undefined;
  if (subject?.digest?.sha256 !== sha256(indexBytes))
    return {
      ok: false,
      reason: 'INDEX_DIGEST_MISMATCH',
      message: `${INDEX_FILE} does not match the digest its signature covers: the index was altered after signing`,
    };
  const freshness = freshnessOf(statement.predicate);
  return { ok: true, keyid: opened.keyid, ...(freshness ? { freshness } : {}) };
}

/** The signed serial and expiry, when both are there and well-formed. */
export function freshnessOf(predicate: unknown): IndexFreshness | undefined {
  if (typeof predicate !== 'object' || predicate === null) return undefined;
  const { serial, expires } = predicate as { serial?: unknown; expires?: unknown };
  if (!Number.isSafeInteger(serial) || (serial as number) < 1) return undefined;
  if (typeof expires !== 'string' || expires.length > 40 || Number.isNaN(Date.parse(expires)))
    return undefined;
  return { serial: serial as number, expires };
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
