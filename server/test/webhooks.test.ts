// biome-ignore-all lint/suspicious/noExplicitAny: the tests read response bodies loosely and assert their shape
import { createHmac } from 'node:crypto';
import { generateWebhookSecret, signWebhook } from '@jobforge/sdk';
import { createApiClient } from '@jobforge/sdk/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TENANT_A, TENANT_B } from './helpers.js';

const STANDARD = generateWebhookSecret();
const GITHUB = 'gh-secret-for-tests';
const STRIPE = 'whsec_stripe_secret_for_tests';
const saved = process.env.JOBFORGE_EVENTS_ENABLED;
let t: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  process.env.JOBFORGE_EVENTS_ENABLED = '1';
  t = await startTestServer({
    webhooks: {
      billing: { tenantId: TENANT_A, scheme: 'standard-webhooks', secrets: [STANDARD] },
      gh: { tenantId: TENANT_A, scheme: 'github', secrets: [GITHUB] },
      stripe: { tenantId: TENANT_B, scheme: 'stripe', secrets: ['whsec_old_rotated_out', STRIPE] },
    },
  });
});
afterAll(() => {
  if (saved === undefined) delete process.env.JOBFORGE_EVENTS_ENABLED;
  else process.env.JOBFORGE_EVENTS_ENABLED = saved;
});

const deliver = (source: string, body: string, headers: Record<string, string>) =>
  fetch(`${t.url}/v1/webhooks/${source}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });

async function eventsOf(source: string) {
  const { rows } = await t.db.admin(
    'select id, type, tenant_id from jobforge.jobforge_events where source = $1 order by seq',
    [`webhook/${source}`],
  );
  return rows;
}

async function auditOf(requestId: string) {
  const { rows } = await t.db.admin(
    'select tenant_id, outcome, status from jobforge.jobforge_api_audit where request_id = $1',
    [requestId],
  );
  return rows;
}

const stripeHeader = (body: string, secret: string, at = Math.floor(Date.now() / 1000)) =>
  `t=${at},v1=${createHmac('sha256', secret).update(`${at}.${body}`).digest('hex')}`;

describe('POST /v1/webhooks/:source', () => {
  it('stores a Standard Webhooks delivery as an event of the configured tenant; a replay stores nothing new', async () => {
    const body = JSON.stringify({ type: 'invoice.paid', data: { amount: 5 } });
    const headers = signWebhook(STANDARD, body, { id: 'msg_1' });
    const first = await deliver('billing', body, { ...headers });
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ event_id: 'msg_1', duplicate: false });
    const replay = await deliver('billing', body, { ...headers });
    expect(replay.status).toBe(200);
    expect(((await replay.json()) as any).duplicate).toBe(true);
    expect(await eventsOf('billing')).toEqual([
      { id: 'msg_1', type: 'invoice.paid', tenant_id: TENANT_A },
    ]);
  });

  const refusals: [string, string, () => Promise<Response>][] = [
    [
      'a bad Standard Webhooks signature',
      'billing',
      () => {
        const body = '{"type":"invoice.paid"}';
        return deliver('billing', body, {
          ...signWebhook(generateWebhookSecret(), body, { id: 'msg_bad' }),
        });
      },
    ],
    [
      'a stale Standard Webhooks timestamp',
      'billing',
      () => {
        const body = '{"type":"invoice.paid"}';
        const old = new Date(Date.now() - 10 * 60 * 1000);
        return deliver('billing', body, {
          ...signWebhook(STANDARD, body, { id: 'msg_old', timestamp: old }),
        });
      },
    ],
    [
      'a tampered GitHub body',
      'gh',
      () => {
        const signed = '{"ref":"main"}';
        const sig = createHmac('sha256', GITHUB).update(signed).digest('hex');
        return deliver('gh', '{"ref":"evil"}', {
          'x-hub-signature-256': `sha256=${sig}`,
          'x-github-delivery': 'd-bad',
          'x-github-event': 'push',
        });
      },
    ],
    [
      'a stale Stripe signature',
      'stripe',
      () => {
        const body = '{"id":"evt_old","type":"invoice.paid"}';
        return deliver('stripe', body, {
          'stripe-signature': stripeHeader(body, STRIPE, Math.floor(Date.now() / 1000) - 3600),
        });
      },
    ],
    ['no signature at all', 'stripe', () => deliver('stripe', '{"id":"evt_none"}', {})],
  ];
  it.each(refusals)(
    'refuses %s with 401 and an audit row, never an event',
    async (_name, source, send) => {
      const before = (await eventsOf(source)).length;
      const response = await send();
      expect(response.status).toBe(401);
      const problem = (await response.json()) as any;
      expect(problem.code).toBe('WEBHOOK_SIGNATURE_INVALID');
      expect(await eventsOf(source)).toHaveLength(before);
      await expect
        .poll(() => auditOf(problem.request_id))
        .toEqual([
          expect.objectContaining({ status: 401, outcome: expect.stringMatching(/^WEBHOOK_/) }),
        ]);
    },
  );

  it("verifies GitHub's and Stripe's schemes (with a rotated secret list)", async () => {
    const gh = '{"ref":"refs/heads/main"}';
    const ghResponse = await deliver('gh', gh, {
      'x-hub-signature-256': `sha256=${createHmac('sha256', GITHUB).update(gh).digest('hex')}`,
      'x-github-delivery': 'delivery-1',
      'x-github-event': 'push',
    });
    expect(ghResponse.status).toBe(202);
    expect(await eventsOf('gh')).toEqual([
      { id: 'delivery-1', type: 'github.push', tenant_id: TENANT_A },
    ]);

    const stripe = '{"id":"evt_1","type":"invoice.paid","data":{"object":{}}}';
    const stripeResponse = await deliver('stripe', stripe, {
      'stripe-signature': stripeHeader(stripe, STRIPE),
    });
    expect(stripeResponse.status).toBe(202);
    expect(await eventsOf('stripe')).toEqual([
      { id: 'evt_1', type: 'stripe.invoice.paid', tenant_id: TENANT_B },
    ]);
  });

  it('answers 404 for a source that is not configured', async () => {
    const response = await deliver('nobody', '{}', {});
    expect(response.status).toBe(404);
    expect(((await response.json()) as any).code).toBe('WEBHOOK_SOURCE_UNKNOWN');
  });
});

describe('/v1/events', () => {
  it("submits idempotently and lists for the key's tenant only", async () => {
    const api = createApiClient({ baseUrl: t.url, apiKey: t.keyB });
    const event = { id: 'e-1', source: 'app/orders', type: 'order.created', data: { n: 1 } };
    expect((await api.submitEvent({ body: event })).status).toBe(201);
    const again = await api.submitEvent({ body: event });
    expect(again.status).toBe(200);
    expect(again.data.created).toBe(false);
    const listed = await api.listEvents({ query: { type: 'order.*' } });
    expect(listed.data.events.map((e) => e.id)).toEqual(['e-1']);
    const other = createApiClient({ baseUrl: t.url, apiKey: t.keyA });
    expect((await other.listEvents({ query: { type: 'order.*' } })).data.events).toEqual([]);
  });

  it('answers 404 FEATURE_DISABLED, naming the variable, when events are off', async () => {
    process.env.JOBFORGE_EVENTS_ENABLED = '0';
    try {
      const api = createApiClient({ baseUrl: t.url, apiKey: t.keyA });
      const error = await api.listEvents({ query: {} }).catch((e) => e);
      expect(error).toMatchObject({ status: 404, code: 'FEATURE_DISABLED' });
      expect(`${error.message} ${error.where} ${error.hint}`).toContain('JOBFORGE_EVENTS_ENABLED');
    } finally {
      process.env.JOBFORGE_EVENTS_ENABLED = '1';
    }
  });
});

describe('webhook sources from a file', () => {
  it('reads secrets from the variables it names, and says which is missing', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { loadWebhookSources } = await import('../src/webhooks/load-webhook-sources.js');
    const dir = mkdtempSync(join(tmpdir(), 'jobforge-hooks-'));
    try {
      const path = join(dir, 'webhooks.json');
      writeFileSync(
        path,
        JSON.stringify({ gh: { tenant_id: TENANT_A, scheme: 'github', secret_env: 'GH_SECRET' } }),
      );
      expect(await loadWebhookSources(path, { GH_SECRET: 's3cret' })).toEqual({
        gh: { tenantId: TENANT_A, scheme: 'github', secrets: ['s3cret'] },
      });
      await expect(loadWebhookSources(path, {})).rejects.toMatchObject({
        code: 'INVALID_WEBHOOK_CONFIG',
        message: expect.stringContaining('GH_SECRET'),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
