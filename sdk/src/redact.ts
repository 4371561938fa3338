import { boundText } from './bound-text.js';

/** What replaces a secret's value wherever it is found. */
export const REDACTED = '[REDACTED]';

/** Secrets shorter than this are not searched for: replacing "a" everywhere would garble text. */
const MIN_SECRET_LENGTH = 4;

/**
 * Replaces every occurrence of each secret value in `text`, also in its base64 and URL-encoded
 * spellings, so a message or log line can leave the process.
 *
 * @example
 * redactSecrets('token=abc123 failed', { API_KEY: 'abc123' }) // 'token=[REDACTED] failed'
 */
export function redactSecrets(text: string, secrets: Readonly<Record<string, string>>): string {
  let out = text;
  for (const value of Object.values(secrets)) {
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) continue;
    for (const spelling of spellings(value)) out = out.split(spelling).join(REDACTED);
  }
  return out;
}

/**
 * Redacts secrets in every string and key of a JSON-like value (plain objects and arrays; other
 * values are returned as they are). Used on what a connector reports about itself.
 *
 * @example
 * redactJson({ token: 'abc123' }, { API_KEY: 'abc123' }) // { token: '[REDACTED]' }
 */
export function redactJson(
  value: unknown,
  secrets: Readonly<Record<string, string>>,
  depth = 0,
): unknown {
  if (Object.keys(secrets).length === 0 || depth > 1000) return value;
  if (typeof value === 'string') return redactSecrets(value, secrets);
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => redactJson(item, secrets, depth + 1));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value))
    out[redactSecrets(key, secrets)] = redactJson(item, secrets, depth + 1);
  return out;
}

function spellings(value: string): string[] {
  const forms = new Set([value, encodeURIComponent(value), Buffer.from(value).toString('base64')]);
  forms.add(Buffer.from(value).toString('base64url'));
  return [...forms].filter((form) => form.length >= MIN_SECRET_LENGTH);
}

/**
 * A message about a thrown value that is safe to store and show: the error's class and message,
 * secrets redacted, cut to a bounded length, never the stack.
 */
export function safeErrorMessage(
  thrown: unknown,
  secrets: Readonly<Record<string, string>> = {},
  max = 1000,
): string {
  let text: string;
  try {
    text = describeThrown(thrown);
  } catch {
    text = 'connector threw a value that could not be described';
  }
  return boundText(redactSecrets(text, secrets), max);
}

function describeThrown(thrown: unknown): string {
  let text: string;
  if (thrown instanceof Error) {
    const name = typeof thrown.name === 'string' ? thrown.name : 'Error';
    const message = typeof thrown.message === 'string' ? thrown.message : '';
    text = `connector threw ${name}${message ? `: ${message}` : ''}`;
  } else {
    text = `connector threw a non-Error value (${thrown === null ? 'null' : typeof thrown})`;
  }
  return text;
}
