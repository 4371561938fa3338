// biome-ignore-all lint/suspicious/noExplicitAny: the tests read response bodies loosely and assert their shape
import { readMigrations } from '@jobforge/queue';
import { API_ROUTES, ApiError, createApiClient, EnqueueJobBodySchema } from '@jobforge/sdk/api';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApiKey, revokeApiKey } from '../src/api-keys.js';
import { startTestServer, TENANT_A } from './helpers.js';

let t: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  t = await startTestServer({ bodyLimitBytes: 64 * 1024 });
});

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(t.url + path, {
    method: 'POST',
    body,
    headers: { authorization: `Bearer ${t.keyA}`, 'content-type': 'application/json', ...headers },
  });

describe('jobs over HTTP with the typed client', () => {
  it('enqueues (201), finds the same job by Idempotency-Key (200), gets, cancels and refuses a retry', async () => {
    const api = createApiClient({ baseUrl: t.url, apiKey: t.keyA });
    const first = await api.enqueueJob({
      body: { type: 'email.send', payload: { to: 'a@example.test' } },
      headers: { 'Idempotency-Key': 'order-1' },
    });
    expect(first.status).toBe(201);
    expect(first.data.created).toBe(true);
    const again = await api.enqueueJob({
      body: { type: 'email.send', payload: { to: 'a@example.test' } },
      headers: { 'Idempotency-Key': 'order-1' },
    });
    expect(again.status).toBe(200);
    expect(again.data).toEqual({ id: first.data.id, created: false });

    const job = await api.getJob({ params: { id: first.data.id } });
    expect(job.data).toMatchObject({ id: first.data.id, tenant_id: TENANT_A, status: 'queued' });
    expect(job.data.attempt_history).toEqual([]);
    expect(job.headers.get('x-request-id')).toBeTruthy();
    // The request id becomes the job's trace id when the body names none.
    expect(job.data.trace_id).toMatch(/^[0-9a-f-]{36}$/);

    const canceled = await api.cancelJob({ params: { id: first.data.id } });
    expect(canceled.data).toEqual({ id: first.data.id, status: 'canceled', changed: true });
    const conflict = await api.cancelJob({ params: { id: first.data.id } }).catch((e) => e);
    expect(conflict).toBeInstanceOf(ApiError);
    expect(conflict).toMatchObject({ status: 409, code: 'JOB_STATE_CONFLICT' });
    const retried = await api.retryJob({ params: { id: first.data.id } });
    expect(retried.data.status).toBe('queued');
  });

  it('lists with filters and keyset pagination', async () => {
    const api = createApiClient({ baseUrl: t.url, apiKey: t.keyA });
    for (let i = 0; i < 5; i++)
      await api.enqueueJob({ body: { type: 'page.test', payload: { i } } });
    const seen: number[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const { data } = await api.listJobs({
        query: { type: 'page.test', limit: 2, ...(cursor ? { cursor } : {}) },
      });
      seen.push(...data.jobs.map((j) => (j.payload as { i: number }).i));
      if (!data.next_cursor) break;
      cursor = data.next_cursor;
    }
    expect(seen).toEqual([4, 3, 2, 1, 0]);
    const queued = await api.listJobs({ query: { status: 'succeeded', type: 'page.test' } });
    expect(queued.data).toEqual({ jobs: [], next_cursor: null });
  });

  it("never shows another tenant's job: the key decides the tenant", async () => {
    const a = createApiClient({ baseUrl: t.url, apiKey: t.keyA });
    const b = createApiClient({ baseUrl: t.url, apiKey: t.keyB });
    const { data } = await a.enqueueJob({ body: { type: 'secret.a', payload: {} } });
    await expect(b.getJob({ params: { id: data.id } })).rejects.toMatchObject({
      status: 404,
      code: 'JOB_NOT_FOUND',
    });
    await expect(b.cancelJob({ params: { id: data.id } })).rejects.toMatchObject({ status: 404 });
    const listed = await b.listJobs({ query: { type: 'secret.a' } });
    expect(listed.data.jobs).toEqual([]);
    // A tenant_id in the body is not a field of the operation: refused, not obeyed.
    const sneaky = await fetch(`${t.url}/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.keyB}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'x', payload: {}, tenant_id: TENANT_A }),
    });
    expect(sneaky.status).toBe(400);
  });
});

describe('bad input gets problem+json with a stable code', () => {
  const cases: [string, () => Promise<Response>, number, string][] = [
    ['malformed JSON', () => post('/v1/jobs', '{"type": "x", '), 400, 'MALFORMED_JSON'],
    [
      'JSON nested too deep',
      () => post('/v1/jobs', `{"type":"x","payload":${'['.repeat(500)}${']'.repeat(500)}}`),
      400,
      'MALFORMED_JSON',
    ],
    [
      'a body over the cap',
      () => post('/v1/jobs', JSON.stringify({ type: 'x', payload: 'y'.repeat(70_000) })),
      413,
      'BODY_TOO_LARGE',
    ],
    [
      'a wrong content type',
      () => post('/v1/jobs', '{"type":"x"}', { 'content-type': 'text/plain' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'a schema failure',
      () => post('/v1/jobs', '{"type":"","priority":1.5}'),
      400,
      'INVALID_REQUEST',
    ],
    ['an unknown route', () => fetch(`${t.url}/v2/nothing`), 404, 'ROUTE_NOT_FOUND'],
    [
      'a bad job id',
      () => fetch(`${t.url}/v1/jobs/abc`, { headers: { authorization: `Bearer ${t.keyA}` } }),
      400,
      'INVALID_REQUEST',
    ],
    ['a missing key', () => fetch(`${t.url}/v1/jobs`), 401, 'API_KEY_MISSING'],
    [
      'an unknown key',
      () =>
        fetch(`${t.url}/v1/jobs`, {
          headers: { authorization: `Bearer jf_000000000000_${'A'.repeat(43)}` },
        }),
      401,
      'API_KEY_INVALID',
    ],
  ];
  it.each(cases)('%s', async (_name, send, status, code) => {
    const response = await send();
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const body = (await response.json()) as any;
    expect(body).toMatchObject({
      status,
      code,
      type: expect.stringMatching(/^urn:jobforge:problem:/),
    });
    expect(body.request_id).toBe(response.headers.get('x-request-id'));
    if (code === 'INVALID_REQUEST' && status === 400 && body.problems) {
      expect(body.problems.length).toBeGreaterThan(0);
    }
  });

  it('lists every field that failed validation', async () => {
    const body = (await (await post('/v1/jobs', '{"type":"","priority":1.5}')).json()) as any;
    expect(body.problems.map((p: { path: string }) => p.path).sort()).toEqual([
      'body.payload',
      'body.priority',
      'body.type',
    ]);
  });

  it('refuses a revoked key with 401 and writes an audit row', async () => {
    const { key, record } = await createApiKey(t.sessions.trusted, {
      tenantId: TENANT_A,
      name: 'gone',
    });
    const ok = await fetch(`${t.url}/v1/jobs`, { headers: { authorization: `Bearer ${key}` } });
    expect(ok.status).toBe(200);
    await revokeApiKey(t.sessions.trusted, record.prefix);
    const refused = await fetch(`${t.url}/v1/jobs`, {
      headers: { authorization: `Bearer ${key}`, 'x-request-id': 'revoked-probe-1' },
    });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as any).code).toBe('API_KEY_REVOKED');
    await expect
      .poll(async () => {
        const { rows } = await t.db.admin(
          "select tenant_id, key_prefix, outcome, status from jobforge.jobforge_api_audit where request_id = 'revoked-probe-1'",
        );
        return rows;
      })
      .toEqual([
        { tenant_id: TENANT_A, key_prefix: record.prefix, outcome: 'API_KEY_REVOKED', status: 401 },
      ]);
  });
});

describe('health, request ids and the OpenAPI document', () => {
  it('echoes a sent X-Request-Id and makes one when none is sent', async () => {
    const echoed = await fetch(`${t.url}/api/health`, { headers: { 'x-request-id': 'abc-123' } });
    expect(echoed.headers.get('x-request-id')).toBe('abc-123');
    const health = (await echoed.json()) as any;
    expect(health).toMatchObject({
      status: 'ok',
      request_id: 'abc-123',
      database: { reachable: true },
      migrations: { current: true, expected: (await readMigrations()).length },
      scheduler: { leader: null },
    });
    expect(typeof health.queue.depth).toBe('number');
    const made = await fetch(`${t.url}/api/health`);
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves OpenAPI 3.1 generated from the schemas the server validates with', async () => {
    const doc = (await (await fetch(`${t.url}/openapi.json`)).json()) as any;
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.values(doc.paths).flatMap((methods) =>
      Object.values(methods as Record<string, { operationId: string }>).map((o) => o.operationId),
    );
    expect(operations.sort()).toEqual(Object.keys(API_ROUTES).sort());
    const enqueue = doc.paths['/v1/jobs'].post.requestBody.content['application/json'].schema;
    const expected = z.toJSONSchema(EnqueueJobBodySchema, { target: 'draft-2020-12', io: 'input' });
    expect(doc.components.schemas.EnqueueJob).toEqual(
      (expected as { $defs: Record<string, unknown> }).$defs.EnqueueJob,
    );
    expect(enqueue).toEqual({ $ref: '#/components/schemas/EnqueueJob' });
    expect(doc.paths['/v1/jobs/{id}'].get.parameters[0]).toMatchObject({ name: 'id', in: 'path' });
  });
});
