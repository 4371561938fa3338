import { REDACTED, redactSecrets } from '../redact.js';

/** As in `redactSecrets`: shorter values would match ordinary text everywhere. */
const MIN_SECRET_LENGTH = 4;

/** A run of base64 or base64url characters long enough to hide a secret (e.g. Basic credentials). */
const BASE64_RUN = /[A-Za-z0-9+/_-]{8,}={0,2}/g;

export type Secrets = Readonly<Record<string, string>>;

/**
 * Replaces every declared secret in `text`: the spellings `redactSecrets` knows (as is, URL-encoded,
 * base64, base64url), the form-encoded spelling, and any base64 run whose decoded bytes contain a
 * secret, such as `Basic dXNlcjpzM2NyZXQ=` for `user:s3cret`.
 */
export function redactText(text: string, secrets: Secrets): string {
  const values = secretValues(secrets);
  if (values.length === 0) return text;
  let out = redactSecrets(text, secrets);
  for (const value of values) out = out.split(formEncoded(value)).join(REDACTED);
  return out.replace(BASE64_RUN, (run) => (decodedHasSecret(run, values) ? REDACTED : run));
}

/** The name of the first secret found in `text` in any spelling `redactText` removes. */
export function findSecretInText(text: string, secrets: Secrets): string | undefined {
  for (const [name, value] of Object.entries(secrets)) {
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) continue;
    if (spellings(value).some((spelling) => text.includes(spelling))) return name;
    for (const run of text.match(BASE64_RUN) ?? []) if (decodedHasSecret(run, [value])) return name;
  }
  return undefined;
}

/** The name of the first secret whose bytes occur in `bytes` (a binary body). */
export function findSecretInBytes(bytes: Uint8Array, secrets: Secrets): string | undefined {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const [name, value] of Object.entries(secrets)) {
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) continue;
    if (spellings(value).some((spelling) => buffer.includes(spelling))) return name;
  }
  return undefined;
}

function secretValues(secrets: Secrets): string[] {
  return Object.values(secrets).filter(
    (value) => typeof value === 'string' && value.length >= MIN_SECRET_LENGTH,
  );
}

function spellings(value: string): string[] {
  const bytes = Buffer.from(value);
  return [
    value,
    encodeURIComponent(value),
    formEncoded(value),
    bytes.toString('base64'),
    bytes.toString('base64url'),
  ];
}

/** How URLSearchParams (forms, most query builders) spells a value: spaces as `+`. */
function formEncoded(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

function decodedHasSecret(run: string, values: readonly string[]): boolean {
  // Node's base64 decoder accepts both alphabets and ignores what cannot belong to either.
  const decoded = Buffer.from(run, 'base64');
  return values.some((value) => decoded.includes(value));
}
