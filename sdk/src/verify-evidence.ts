import { type KeyObject, verify } from 'node:crypto';
import { preAuthEncoding } from './dsse.js';
import {
  type DsseEnvelope,
  EVIDENCE_PREDICATE_TYPE,
  type EvidenceStatement,
  IN_TOTO_PAYLOAD_TYPE,
  STATEMENT_TYPE,
} from './evidence-types.js';
import { type KeyInput, keyIdOf, toPublicKey } from './keys.js';

export type VerifyFailureReason =
  | 'MALFORMED_ENVELOPE'
  | 'WRONG_PAYLOAD_TYPE'
  | 'UNKNOWN_KEYID'
  | 'BAD_SIGNATURE'
  | 'NOT_A_STATEMENT'
  /** A run result whose unsigned ok/data/error differ from what its signed statement hashed. */
  | 'OUTPUT_MISMATCH';

export type VerifyResult<T> =
  | { ok: true; statement: T; keyid: string }
  | { ok: false; reason: VerifyFailureReason; message: string };

/**
 * Verifies a DSSE evidence envelope against trusted public keys and returns the statement it
 * carries. Never throws, whatever the input: every failure is a `reason` code with a message.
 *
 * @example
 * const checked = verifyEvidence(envelope, [publicKeyPem]);
 * if (!checked.ok) console.error(checked.reason, checked.message);
 */
export function verifyEvidence(
  envelope: unknown,
  publicKeys: KeyInput | readonly KeyInput[],
): VerifyResult<EvidenceStatement> {
  const opened = verifyEnvelope(envelope, IN_TOTO_PAYLOAD_TYPE, publicKeys);
  if (!opened.ok) return opened;
  const statement = parseStatement(opened.statement);
  if (typeof statement === 'string')
    return { ok: false, reason: 'NOT_A_STATEMENT', message: statement };
  return { ok: true, statement, keyid: opened.keyid };
}

/**
 * Checks envelope shape, payload type and signature, and returns the payload text. Shared by the
 * evidence and the registry index, which are signed by the same code.
 */
export function verifyEnvelope(
  envelope: unknown,
  payloadType: string,
  publicKeys: KeyInput | readonly KeyInput[],
): VerifyResult<string> {
  // Trusted keys are the caller's configuration: a bad one throws INVALID_KEY before any check.
  const trusted = trustedKeys(publicKeys);
  try {
    return verifyEnvelopeUnsafe(envelope, payloadType, trusted);
  } catch (error) {
    // Defence in depth: a getter or proxy on hostile input must not escape as an exception.
    return {
      ok: false,
      reason: 'MALFORMED_ENVELOPE',
      message: `envelope could not be read: ${String((error as Error)?.message ?? error)}`,
    };
  }
}

function verifyEnvelopeUnsafe(
  envelope: unknown,
  payloadType: string,
  trusted: Map<string, KeyObject>,
): VerifyResult<string> {
  const shape = readEnvelope(envelope);
  if (typeof shape === 'string') return { ok: false, reason: 'MALFORMED_ENVELOPE', message: shape };
  if (shape.payloadType !== payloadType) {
    return {
      ok: false,
      reason: 'WRONG_PAYLOAD_TYPE',
      message: `payloadType is ${JSON.stringify(shape.payloadType)}, expected ${JSON.stringify(payloadType)}`,
    };
  }
  const payload = Buffer.from(shape.payload, 'base64');
  const pae = preAuthEncoding(shape.payloadType, payload);
  let known = false;
  for (const { keyid, sig } of shape.signatures) {
    const key = trusted.get(keyid);
    if (!key) continue;
    known = true;
    if (verify(null, pae, key, Buffer.from(sig, 'base64'))) {
      return { ok: true, statement: payload.toString('utf8'), keyid };
    }
  }
  if (!known) {
    const ids = shape.signatures.map((s) => s.keyid.slice(0, 16)).join(', ');
    return {
      ok: false,
      reason: 'UNKNOWN_KEYID',
      message: `signed by ${ids || 'no key'}; none of them is a trusted key`,
    };
  }
  return {
    ok: false,
    reason: 'BAD_SIGNATURE',
    message: 'the signature does not match the payload: it was altered or signed by another key',
  };
}

function trustedKeys(publicKeys: KeyInput | readonly KeyInput[]): Map<string, KeyObject> {
  const trusted = new Map<string, KeyObject>();
  const list = Array.isArray(publicKeys)
    ? (publicKeys as readonly KeyInput[])
    : [publicKeys as KeyInput];
  for (const [i, key] of list.entries()) {
    const publicKey = toPublicKey(key, `trusted key ${i + 1}`);
    trusted.set(keyIdOf(publicKey), publicKey);
  }
  return trusted;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function readEnvelope(value: unknown): DsseEnvelope | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'envelope is not a JSON object';
  const { payloadType, payload, signatures } = value as Record<string, unknown>;
  if (typeof payloadType !== 'string') return 'payloadType is missing or not a string';
  if (typeof payload !== 'string' || !BASE64.test(payload) || payload.length % 4 !== 0)
    return 'payload is missing or not base64';
  if (!Array.isArray(signatures) || signatures.length === 0)
    return 'signatures is missing or empty';
  if (signatures.length > 16) return 'more than 16 signatures';
  const checked: DsseEnvelope['signatures'] = [];
  for (const [i, entry] of signatures.entries()) {
    const { keyid, sig } = (entry ?? {}) as Record<string, unknown>;
    if (typeof keyid !== 'string' || typeof sig !== 'string' || !BASE64.test(sig))
      return `signatures[${i}] needs a string keyid and a base64 sig`;
    checked.push({ keyid, sig });
  }
  return { payloadType, payload, signatures: checked };
}

function parseStatement(text: string): EvidenceStatement | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'payload is not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'payload is not a JSON object';
  const s = value as Record<string, unknown>;
  if (s._type !== STATEMENT_TYPE)
    return `_type is ${JSON.stringify(s._type)}, expected ${STATEMENT_TYPE}`;
  if (s.predicateType !== EVIDENCE_PREDICATE_TYPE)
    return `predicateType is ${JSON.stringify(s.predicateType)}, expected ${EVIDENCE_PREDICATE_TYPE}`;
  if (!Array.isArray(s.subject) || s.subject.length === 0) return 'subject is missing or empty';
  for (const subject of s.subject as unknown[]) {
    const digest = (subject as { digest?: { sha256?: unknown } } | null)?.digest?.sha256;
    if (typeof digest !== 'string' || !/^[0-9a-f]{64}$/.test(digest))
      return 'a subject has no sha256 digest';
  }
  const p = s.predicate as Record<string, unknown> | null;
  if (typeof p !== 'object' || p === null) return 'predicate is missing';
  for (const field of ['input_hash', 'output_hash'] as const) {
    if (typeof p[field] !== 'string' || !/^[0-9a-f]{64}$/.test(p[field] as string))
      return `predicate.${field} is not a sha256`;
  }
  if (p.status !== 'success' && p.status !== 'failure')
    return 'predicate.status is neither success nor failure';
  const connector = p.connector as Record<string, unknown> | null;
  if (typeof connector !== 'object' || connector === null) return 'predicate.connector is missing';
  if (typeof connector.id !== 'string' || typeof connector.version !== 'string') {
    return 'predicate.connector needs a string id and version';
  }
  const invocation = p.invocation as Record<string, unknown> | null;
  if (typeof invocation !== 'object' || invocation === null)
    return 'predicate.invocation is missing';
  for (const field of ['trace_id', 'tenant_id', 'operation'] as const) {
    if (typeof invocation[field] !== 'string')
      return `predicate.invocation.${field} is not a string`;
  }
  const timing = p.timing as Record<string, unknown> | null;
  if (typeof timing !== 'object' || timing === null) return 'predicate.timing is missing';
  if (typeof timing.started_at !== 'string' || typeof timing.ended_at !== 'string') {
    return 'predicate.timing needs started_at and ended_at';
  }
  if (p.manifest !== undefined) {
    const m = p.manifest as Record<string, unknown> | null;
    if (typeof m?.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(m.sha256))
      return 'predicate.manifest.sha256 is not a sha256';
  }
  return value as EvidenceStatement;
}
