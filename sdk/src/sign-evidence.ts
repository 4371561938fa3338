import { sign } from 'node:crypto';
import { canonicalize } from './canonicalize.js';
import { preAuthEncoding } from './dsse.js';
import { type DsseEnvelope, IN_TOTO_PAYLOAD_TYPE } from './evidence-types.js';
import { type KeyInput, keyIdOf, toPrivateKey } from './keys.js';

/**
 * Signs a statement into a DSSE envelope with an Ed25519 key. The payload is the statement's
 * canonical JSON, so the same statement always yields the same payload bytes.
 *
 * @example
 * const envelope = signEvidence(result.evidence, privateKeyPem);
 */
export function signEvidence(statement: unknown, privateKey: KeyInput): DsseEnvelope {
  return signPayload(IN_TOTO_PAYLOAD_TYPE, canonicalize(statement), privateKey);
}

/** Signs any payload as a DSSE envelope (the registry signs its index with this too). */
export function signPayload(
  payloadType: string,
  payload: string,
  privateKey: KeyInput,
): DsseEnvelope {
  const key = toPrivateKey(privateKey);
  const bytes = Buffer.from(payload, 'utf8');
  const sig = sign(null, preAuthEncoding(payloadType, bytes), key);
  return {
    payloadType,
    payload: bytes.toString('base64'),
    signatures: [{ keyid: keyIdOf(key), sig: sig.toString('base64') }],
  };
}
