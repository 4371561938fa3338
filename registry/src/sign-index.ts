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
 * Signs an index: a DSSE envelope over an in-toto Statement whose subject is index.json's sha256,
 * signed by the same code as the evidence. Ed25519 is deterministic, so the same index and key
 * give the same envelope bytes. The envelope stays small however big the index grows.
 *
 * @example
 * await writeFileAtomic('out/index.dsse.json', JSON.stringify(signIndex(bytes, key), null, 2));
 */
export function signIndex(indexBytes: Uint8Array, privateKey: KeyInput): DsseEnvelope {
  const statement = {
    _type: STATEMENT_TYPE,
    subject: [{ name: INDEX_FILE, digest: { sha256: sha256(indexBytes) } }],
    predicateType: INDEX_PREDICATE_TYPE,
    predicate: {},
  };
  return signPayload(IN_TOTO_PAYLOAD_TYPE, canonicalize(statement), privateKey);
}

export type IndexSignatureCheck =
  | { ok: true; keyid: string }
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
  return { ok: true, keyid: opened.keyid };
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
