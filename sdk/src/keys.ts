import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { JobForgeError } from './errors.js';
import { sha256Hex } from './hash-output.js';

/** A key given as a KeyObject or as PEM text. */
export type KeyInput = KeyObject | string;

export interface GeneratedKeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
  keyId: string;
}

/**
 * A fresh Ed25519 key pair as PEM (PKCS#8 private, SPKI public) with its key id.
 *
 * @example
 * const { privateKeyPem, publicKeyPem, keyId } = generateSigningKeyPair();
 */
export function generateSigningKeyPair(): GeneratedKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
  };
}

/** The key id JobForge uses everywhere: hex sha256 of the public key's SPKI DER encoding. */
export function keyIdOf(key: KeyInput): string {
  const cached = typeof key === 'string' ? undefined : keyIds.get(key);
  if (cached) return cached;
  const keyId = sha256Hex(toPublicKey(key).export({ type: 'spki', format: 'der' }));
  if (typeof key !== 'string') keyIds.set(key, keyId);
  return keyId;
}

// Deriving the id costs an export and a hash; signing the same KeyObject often should not repeat it.
const keyIds = new WeakMap<KeyObject, string>();

/** Parses an Ed25519 private key; throws `INVALID_KEY` with the reason otherwise. */
export function toPrivateKey(key: KeyInput, where = 'private key'): KeyObject {
  let object: KeyObject;
  try {
    object = typeof key === 'string' ? createPrivateKey(key) : key;
  } catch (cause) {
    throw new JobForgeError('INVALID_KEY', `${where} is not a PEM private key`, {
      where,
      hint: 'generate one with `jobforge keys generate --out DIR`',
      cause,
    });
  }
  if (object.type !== 'private')
    throw new JobForgeError('INVALID_KEY', `${where} is a ${object.type} key, not a private key`, {
      where,
    });
  requireEd25519(object, where);
  return object;
}

/** Parses an Ed25519 public key (a private key yields its public half); throws `INVALID_KEY`. */
export function toPublicKey(key: KeyInput, where = 'public key'): KeyObject {
  let object: KeyObject;
  try {
    object =
      typeof key === 'string'
        ? createPublicKey(key)
        : key.type === 'private'
          ? createPublicKey(key)
          : key;
  } catch (cause) {
    throw new JobForgeError('INVALID_KEY', `${where} is not a PEM public key`, { where, cause });
  }
  if (object.type === 'secret')
    throw new JobForgeError('INVALID_KEY', `${where} is a secret key, not a public key`, { where });
  requireEd25519(object, where);
  return object;
}

function requireEd25519(key: KeyObject, where: string): void {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new JobForgeError(
      'INVALID_KEY',
      `${where} is ${key.asymmetricKeyType ?? 'unknown'}; JobForge signs with Ed25519`,
      {
        where,
        hint: 'generate one with `jobforge keys generate --out DIR`',
      },
    );
  }
}
