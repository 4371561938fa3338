import { REDACTED } from '../redact.js';

/** As in `redactSecrets`: shorter values would match ordinary text everywhere. */
const MIN_SECRET_LENGTH = 4;

/** A run of base64 or base64url characters long enough to hide a secret (e.g. Basic credentials). */
const BASE64_RUN = /[A-Za-z0-9+/_-]{8,}={0,2}/g;

export type Secrets = Readonly<Record<string, string>>;

interface Compiled {
  /** Every spelling of every secret, with the secret's name. */
  spellings: { name: string; spelling: string }[];
  values: { name: string; bytes: Buffer }[];
  /** A base64 run shorter than this cannot decode to any secret. */
  minRun: number;
}

// Compiled once per secrets object: a recording redacts thousands of strings with the same secrets.
const cache = new WeakMap<Secrets, Compiled>();

function compiled(secrets: Secrets): Compiled {
  let found = cache.get(secrets);
  if (found) return found;
  const entries = Object.entries(secrets).filter(
    (entry): entry is [string, string] =>
      typeof entry[1] === 'string' && entry[1].length >= MIN_SECRET_LENGTH,
  );
  const spellings = entries.flatMap(([name, value]) =>
    [...new Set(spellingsOf(value))].map((spelling) => ({ name, spelling })),
  );
  // Longest first, so a spelling that contains another is replaced whole.
  spellings.sort((a, b) => b.spelling.length - a.spelling.length);
  const values = entries.map(([name, value]) => ({ name, bytes: Buffer.from(value) }));
  const shortest = Math.min(...values.map((v) => v.bytes.length));
  found = { spellings, values, minRun: Math.max(8, Math.floor((shortest * 4) / 3)) };
  cache.set(secrets, found);
  return found;
}

/**
 * Replaces every declared secret in `text`: as is, URL-encoded, form-encoded, base64, base64url,
 * and any base64 run whose decoded bytes contain a secret, such as `Basic dXNlcjpzM2NyZXQ=` for
 * `user:s3cret`.
 */
export function redactText(text: string, secrets: Secrets): string {
  const { spellings, values, minRun } = compiled(secrets);
  if (values.length === 0) return text;
  let out = text;
  for (const { spelling } of spellings)
    if (out.includes(spelling)) out = out.split(spelling).join(REDACTED);
  if (out.length < minRun) return out;
  return out.replace(BASE64_RUN, (run) =>
    run.length >= minRun && decodedName(run, values) ? REDACTED : run,
  );
}

/** The name of the first secret found in `text` in any spelling `redactText` removes. */
export function findSecretInText(text: string, secrets: Secrets): string | undefined {
  const { spellings, values, minRun } = compiled(secrets);
  for (const { name, spelling } of spellings) if (text.includes(spelling)) return name;
  if (values.length === 0 || text.length < minRun) return undefined;
  for (const run of text.match(BASE64_RUN) ?? []) {
    const name = run.length >= minRun ? decodedName(run, values) : undefined;
    if (name) return name;
  }
  return undefined;
}

/** The name of the first secret whose bytes occur in `bytes` (a binary body). */
export function findSecretInBytes(bytes: Uint8Array, secrets: Secrets): string | undefined {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const { name, spelling } of compiled(secrets).spellings)
    if (buffer.includes(spelling)) return name;
  return undefined;
}

function spellingsOf(value: string): string[] {
  const bytes = Buffer.from(value);
  return [
    value,
    encodeURIComponent(value),
    // How URLSearchParams (forms, most query builders) spells a value: spaces as `+`.
    new URLSearchParams({ v: value }).toString().slice(2),
    bytes.toString('base64'),
    bytes.toString('base64url'),
  ].filter((spelling) => spelling.length >= MIN_SECRET_LENGTH);
}

function decodedName(run: string, values: Compiled['values']): string | undefined {
  // Node's base64 decoder accepts both alphabets and ignores what cannot belong to either.
  const decoded = Buffer.from(run, 'base64');
  return values.find((value) => decoded.includes(value.bytes))?.name;
}
