import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, signWebhook, verifyWebhook } from '../src/index.js';

const secret = generateWebhookSecret();
const body = JSON.stringify({
  type: 'invoice.paid',
  data: { id: 'in_1', amount: 4200, note: 'ünïcødé ✓' },
});

describe('Standard Webhooks interoperability', () => {
  it('the official library verifies what signWebhook signs', () => {
    const headers = signWebhook(secret, body);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('verifyWebhook accepts what the official library signs', () => {
    const id = 'msg_2Lh9KRb0pzN4LePd3XiA4bAHYJa';
    const timestamp = new Date();
    const signature = new Webhook(secret).sign(id, timestamp, body);
    const headers = {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': signature,
    };
    expect(verifyWebhook(secret, body, headers)).toMatchObject({ ok: true, id });
  });

  it('the official library rejects a body altered after signWebhook signed it', () => {
    const headers = signWebhook(secret, body);
    expect(() => new Webhook(secret).verify(`${body} `, { ...headers })).toThrow();
  });
});

describe('verifyWebhook', () => {
  const now = new Date('2026-06-01T12:00:00Z');
  const headers = signWebhook(secret, body, { id: 'msg_1', timestamp: now });

  it('accepts a valid delivery, also through a Headers object and with several signatures', () => {
    expect(verifyWebhook(secret, body, headers, { now })).toEqual({
      ok: true,
      id: 'msg_1',
      timestamp: now,
    });
    const fetchHeaders = new Headers({
      ...headers,
      'webhook-signature': `v1,bm90LWl0 v2,xyz ${headers['webhook-signature']}`,
    });
    expect(verifyWebhook(secret, body, fetchHeaders, { now }).ok).toBe(true);
  });

  it('rejects a tampered body, another secret and a forged signature as BAD_SIGNATURE', () => {
    expect(verifyWebhook(secret, `${body}x`, headers, { now })).toMatchObject({
      ok: false,
      reason: 'BAD_SIGNATURE',
    });
    expect(verifyWebhook(generateWebhookSecret(), body, headers, { now })).toMatchObject({
      ok: false,
      reason: 'BAD_SIGNATURE',
    });
    expect(
      verifyWebhook(secret, body, { ...headers, 'webhook-signature': 'v1,AAAA' }, { now }),
    ).toMatchObject({ ok: false, reason: 'BAD_SIGNATURE' });
  });

  it('rejects a replay outside the window, in either direction', () => {
    const later = new Date(now.getTime() + 301_000);
    const earlier = new Date(now.getTime() - 301_000);
    expect(verifyWebhook(secret, body, headers, { now: later })).toMatchObject({
      ok: false,
      reason: 'TIMESTAMP_OUT_OF_WINDOW',
    });
    expect(verifyWebhook(secret, body, headers, { now: earlier })).toMatchObject({
      ok: false,
      reason: 'TIMESTAMP_OUT_OF_WINDOW',
    });
    expect(verifyWebhook(secret, body, headers, { now: later, toleranceSeconds: 600 }).ok).toBe(
      true,
    );
  });

  it('rejects missing headers and a malformed timestamp', () => {
    expect(verifyWebhook(secret, body, { 'webhook-id': 'x' }, { now })).toMatchObject({
      ok: false,
      reason: 'MISSING_HEADERS',
    });
    expect(
      verifyWebhook(secret, body, { ...headers, 'webhook-timestamp': '12e3' }, { now }),
    ).toMatchObject({ ok: false, reason: 'BAD_TIMESTAMP' });
  });

  it('throws INVALID_WEBHOOK_SECRET for a malformed secret of the receiver', () => {
    expect(() => verifyWebhook('whsec_short', body, headers)).toThrow(
      expect.objectContaining({ code: 'INVALID_WEBHOOK_SECRET' }),
    );
  });
});

describe('verifyWebhook: hostile requests', () => {
  it('does not throw on non-string headers and refuses signatures that are not base64', () => {
    const now = new Date();
    const headers = signWebhook(secret, body, { timestamp: now });
    expect(
      verifyWebhook(secret, body, { ...headers, 'webhook-signature': 5 } as never, { now }),
    ).toMatchObject({ ok: false, reason: 'MISSING_HEADERS' });
    const mangled = headers['webhook-signature'].replace('v1,', 'v1,!!');
    expect(
      verifyWebhook(secret, body, { ...headers, 'webhook-signature': mangled }, { now }),
    ).toMatchObject({ ok: false, reason: 'BAD_SIGNATURE' });
  });
});
