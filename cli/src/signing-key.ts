import type { KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  generateSigningKeyPair,
  JobForgeError,
  keyIdOf,
  toPrivateKey,
  toPublicKey,
  writeFileAtomic,
} from '@jobforge/sdk';
import { readText } from './io/read-text.js';

/** Where `jobforge run` keeps a development key when no --key is given. */
export const DEV_KEY_DIR = join('.jobforge', 'keys');

export interface KeyFiles {
  privatePath: string;
  publicPath: string;
  keyId: string;
}

/** Writes a new Ed25519 pair to DIR/private.pem (0600) and DIR/public.pem; never overwrites. */
export async function writeKeyPair(dir: string): Promise<KeyFiles> {
  const privatePath = join(dir, 'private.pem');
  const publicPath = join(dir, 'public.pem');
  for (const path of [privatePath, publicPath]) {
    if (existsSync(path)) {
      throw new JobForgeError('KEYS_EXIST', `${path} already exists; refusing to overwrite a key`, {
        where: path,
        hint: 'choose another --out folder, or move the old keys away first',
      });
    }
  }
  const pair = generateSigningKeyPair();
  await writeFileAtomic(privatePath, pair.privateKeyPem, { mode: 0o600, exclusive: true });
  await writeFileAtomic(publicPath, pair.publicKeyPem, { mode: 0o644, exclusive: true });
  return { privatePath, publicPath, keyId: pair.keyId };
}

export async function readPrivateKey(path: string): Promise<KeyObject> {
  return toPrivateKey(await readText(path, 'private key'), path);
}

export async function readPublicKey(path: string): Promise<KeyObject> {
  return toPublicKey(await readText(path, 'public key'), path);
}

/** The key to sign with: --key when given, else the development key (created on first use). */
export async function resolveSigningKey(
  keyPath: string | undefined,
  notice: (text: string) => void,
): Promise<{ key: KeyObject; keyId: string }> {
  if (keyPath) {
    const key = await readPrivateKey(keyPath);
    return { key, keyId: keyIdOf(key) };
  }
  const devPrivate = join(DEV_KEY_DIR, 'private.pem');
  if (!existsSync(devPrivate)) {
    await writeKeyPair(DEV_KEY_DIR);
    notice(
      `created a development signing key in ${DEV_KEY_DIR}/ (pass --key FILE to sign with your own)`,
    );
  } else {
    notice(
      `signing with the development key ${devPrivate} (pass --key FILE to sign with your own)`,
    );
  }
  const key = await readPrivateKey(devPrivate);
  return { key, keyId: keyIdOf(key) };
}
