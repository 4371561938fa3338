import { createHmac, timingSafeEqual } from 'node:crypto';
import { verifyWebhook, WEBHOOK_TOLERANCE_SECONDS } from '@jobforge/sdk';

/** The signature schemes a webhook source may use. */
export type WebhookScheme = 'standard-webhooks' | 'github' | 'stripe';

/** What a verified delivery says about itself: its id (for de-duplication) and event type. */
export type Verified =
  | { ok: true; id: string; type: string; time?: Date }
  | { ok: false; reason: string; message: string };

type Headers = (name: string) => string | undefined;

/**
 * Checks a delivery's signature with each of the source's secrets (several while one rotates),
 * in constant time, and the timestamp against the replay window where the scheme signs one.
 */
export function verifyProvider(
  scheme: WebhookScheme,
  secrets: string[],
  body: string,
  header: Headers,
  options: { toleranceSeconds?: number; now?: Date; source: string },
): Verified {
  const tolerance = options.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS;
  const now = options.now ?? new Date();
  if (scheme === 'standard-webhooks') {
    let last: Verified = { ok: false, reason: 'NO_SECRET', message: 'no secret is configured' };
    for (const secret of secrets) {
      const checked = verifyWebhook(
        secret,
        body,
        {
          'webhook-id': header('webhook-id') ?? '',
          'webhook-timestamp': header('webhook-timestamp') ?? '',
          'webhook-signature': header('webhook-signature') ?? '',
        },
        { toleranceSeconds: tolerance, now },
      );
      if (checked.ok) {
        return {
          ok: true,
          id: checked.id,
          type: typeOf(body, options.source),
          time: checked.timestamp,
        };
      }
      last = { ok: false, reason: checked.reason, message: checked.message };
      if (checked.reason !== 'BAD_SIGNATURE') return last;
    }
    return last;
  }
  if (scheme === 'github') {
    const signature = header('x-hub-signature-256');
    const delivery = header('x-github-delivery');
    const event = header('x-github-event');
    if (!signature || !delivery || !event) {
      return {
        ok: false,
        reason: 'MISSING_HEADERS',
        message: 'X-Hub-Signature-256, X-GitHub-Delivery and X-GitHub-Event are all required',
      };
    }
    const given = /^sha256=([0-9a-f]{64})$/.exec(signature)?.[1];
    if (given && secrets.some((secret) => equalHex(hmacHex(secret, body), given))) {
      return { ok: true, id: delivery, type: `github.${safeSegment(event)}` };
    }
    return {
      ok: false,
      reason: 'BAD_SIGNATURE',
      message: 'X-Hub-Signature-256 does not match the body',
    };
  }
  // Stripe: `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">[,v1=…]`.
  const parts = (header('stripe-signature') ?? '').split(',').map((p) => p.trim().split('=', 2));
  const t = parts.find(([k]) => k === 't')?.[1];
  const v1 = parts.filter(([k]) => k === 'v1').map(([, v]) => v ?? '');
  if (!t || v1.length === 0) {
    return { ok: false, reason: 'MISSING_HEADERS', message: 'Stripe-Signature needs t= and v1=' };
  }
  if (!/^\d{1,15}$/.test(t)) {
    return {
      ok: false,
      reason: 'BAD_TIMESTAMP',
      message: 'the t= timestamp is not integer seconds',
    };
  }
  const skew = Math.floor(now.getTime() / 1000) - Number(t);
  if (Math.abs(skew) > tolerance) {
    return {
      ok: false,
      reason: 'TIMESTAMP_OUT_OF_WINDOW',
      message: `the signature is ${skew} s old; the window is ±${tolerance} s`,
    };
  }
  const matched = secrets.some((secret) => {
    const expected = hmacHex(secret, `${t}.${body}`);
    return v1.some((candidate) => equalHex(expected, candidate));
  });
  if (!matched)
    return { ok: false, reason: 'BAD_SIGNATURE', message: 'no v1 signature matches the body' };
  const parsed = safeParse(body) as { id?: unknown; type?: unknown } | undefined;
  const id = typeof parsed?.id === 'string' ? parsed.id : `${t}-${v1[0]!.slice(0, 16)}`;
  const type =
    typeof parsed?.type === 'string' ? `stripe.${safeType(parsed.type)}` : 'stripe.event';
  return { ok: true, id, type, time: new Date(Number(t) * 1000) };
}

function hmacHex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}

function equalHex(a: string, b: string): boolean {
  if (!/^[0-9a-f]+$/i.test(b) || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A body's own `type` when it is reverse-DNS style, else `webhook.<source>`. */
function typeOf(body: string, source: string): string {
  const type = (safeParse(body) as { type?: unknown } | undefined)?.type;
  if (
    typeof type === 'string' &&
    /^[A-Za-z0-9][\w-]*(\.[A-Za-z0-9][\w-]*)+$/.test(type) &&
    type.length <= 200
  )
    return type;
  return `webhook.${safeSegment(source)}`;
}

function safeSegment(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80) || 'event';
}

function safeType(text: string): string {
  return text.split('.').map(safeSegment).join('.').slice(0, 180);
}
