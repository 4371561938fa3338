import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { JobForgeError } from './errors.js';

/** Standard Webhooks' default tolerance between the sender's timestamp and the receiver's clock. */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export interface SignWebhookOptions {
  /** Unique per message; reused on retries so receivers can de-duplicate. Default: a random UUID. */
  id?: string;
  /** Default: now. */
  timestamp?: Date;
}

/**
 * Signs a webhook body per the Standard Webhooks scheme: HMAC-SHA256 over `id.timestamp.body`
 * with the secret (`whsec_` + base64), returned as the three headers to send.
 *
 * @example
 * const headers = signWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', JSON.stringify(event));
 * await fetch(url, { method: 'POST', body, headers: { ...headers, 'content-type': 'application/json' } });
 */
export function signWebhook(
  secret: string,
  body: string,
  options: SignWebhookOptions = {},
): WebhookHeaders {
  const id = options.id ?? `msg_${randomUUID()}`;
  const timestamp = Math.floor((options.timestamp ?? new Date()).getTime() / 1000).toString();
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${hmac(secretKey(secret), id, timestamp, body)}`,
  };
}

export interface VerifyWebhookOptions {
  /** Default: now. */
  now?: Date;
  /** Default: 300 seconds either way. */
  toleranceSeconds?: number;
}

export type VerifyWebhookResult =
  | { ok: true; id: string; timestamp: Date }
  | {
      ok: false;
      reason: 'MISSING_HEADERS' | 'BAD_TIMESTAMP' | 'TIMESTAMP_OUT_OF_WINDOW' | 'BAD_SIGNATURE';
      message: string;
    };

/**
 * Verifies a received webhook: all three headers present, the timestamp inside the replay window,
 * and one of the `v1,` signatures matching (compared in constant time). Never throws for a bad
 * request; throws `INVALID_WEBHOOK_SECRET` only when the receiver's own secret is malformed.
 *
 * @example
 * const checked = verifyWebhook(secret, rawBody, request.headers);
 * if (!checked.ok) return new Response(checked.message, { status: 401 });
 */
export function verifyWebhook(
  secret: string,
  body: string,
  headers: HeaderSource,
  options: VerifyWebhookOptions = {},
): VerifyWebhookResult {
  const key = secretKey(secret);
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) {
    return {
      ok: false,
      reason: 'MISSING_HEADERS',
      message: 'webhook-id, webhook-timestamp and webhook-signature are all required',
    };
  }
  if (!/^\d{1,15}$/.test(timestamp))
    return {
      ok: false,
      reason: 'BAD_TIMESTAMP',
      message: 'webhook-timestamp must be integer seconds since the epoch',
    };
  const seconds = Number(timestamp);
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const tolerance = options.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS;
  if (Math.abs(now - seconds) > tolerance) {
    return {
      ok: false,
      reason: 'TIMESTAMP_OUT_OF_WINDOW',
      message: `webhook-timestamp is ${now - seconds} s from now; the window is ±${tolerance} s`,
    };
  }
  const expected = Buffer.from(hmac(key, id, timestamp, body), 'base64');
  for (const candidate of signatures.split(' ')) {
    const [version, sig] = candidate.split(',', 2);
    if (version !== 'v1' || !sig || !BASE64.test(sig)) continue;
    const given = Buffer.from(sig, 'base64');
    if (given.length === expected.length && timingSafeEqual(given, expected)) {
      return { ok: true, id, timestamp: new Date(seconds * 1000) };
    }
  }
  return { ok: false, reason: 'BAD_SIGNATURE', message: 'no v1 signature matches the body' };
}

/** A fresh `whsec_` secret (24 random bytes, base64), as Standard Webhooks senders issue them. */
export function generateWebhookSecret(): string {
  return `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString('base64')}`;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function secretKey(secret: string): Buffer {
  const encoded =
    typeof secret === 'string' && secret.startsWith('whsec_') ? secret.slice(6) : secret;
  const key =
    typeof encoded === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(encoded)
      ? Buffer.from(encoded, 'base64')
      : Buffer.alloc(0);
  if (key.length < 16) {
    throw new JobForgeError(
      'INVALID_WEBHOOK_SECRET',
      'a webhook secret must be "whsec_" followed by at least 16 bytes of base64',
      {
        hint: 'create one with generateWebhookSecret()',
      },
    );
  }
  return key;
}

function hmac(key: Buffer, id: string, timestamp: string, body: string): string {
  return createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
}

/** Request headers as fetch's Headers, Node's IncomingHttpHeaders or a plain record. */
export type HeaderSource =
  | Headers
  | WebhookHeaders
  | Readonly<Record<string, string | string[] | undefined>>;

function header(headers: HeaderSource, name: string): string | undefined {
  const raw =
    typeof (headers as Headers).get === 'function'
      ? (headers as Headers).get(name)
      : (() => {
          const record = headers as Readonly<Record<string, unknown>>;
          return (
            record[name] ?? Object.entries(record).find(([k]) => k.toLowerCase() === name)?.[1]
          );
        })();
  const value = Array.isArray(raw) ? raw[0] : raw;
  // A hostile request may carry anything here; only a string is a header value.
  return typeof value === 'string' ? value : undefined;
}
