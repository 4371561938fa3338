import { join } from 'node:path';
import { addTemplates, revokeToken } from '@jobforge/governance';
import type { Runtime } from '@jobforge/runtime';
import { generateSigningKeyPair, issuePolicyToken } from '@jobforge/sdk';
import { ApiError, createApiClient } from '@jobforge/sdk/api';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { doorOpen } from '../src/door-flags.js';
import { folderCatalog } from '../src/mcp/connector-catalog.js';
import { mountMcp } from '../src/mcp/mount-mcp.js';
import { startServe } from '../src/serve.js';
import { startTestRuntime, startTestServer, TENANT_A, TENANT_B } from './helpers.js';

const issuer = generateSigningKeyPair();
const stranger = generateSigningKeyPair();
const host = generateSigningKeyPair();
let t: Awaited<ReturnType<typeof startTestServer>>;
let runtime: Runtime;

const WRITE = {
  type: 'api.notify',
  version: 1,
  effect: 'write' as const,
  payload_schema: {
    type: 'object',
    required: ['to'],
    additionalProperties: false,
    properties: { to: { type: 'string' } },
  },
};
const READ = {
  type: 'api.report',
  version: 1,
  effect: 'read' as const,
  payload_schema: { type: 'object' },
};

beforeAll(async () => {
  runtime = await startTestRuntime(host.privateKeyPem);
  const connectors = await folderCatalog(join(import.meta.dirname, '../../connectors'));
  t = await startTestServer({
    policyKeys: [issuer.publicKeyPem],
    extend: (app, { requireKey }) =>
      mountMcp(app, {
        connectors,
        runtime,
        version: 'test',
        sessions: {
          forTenant: (tenant) => t.sessions.forTenant(tenant),
          get trusted() {
            return t.sessions.trusted;
          },
          close: async () => {},
        },
        requireKey,
        policyKeys: [issuer.publicKeyPem],
      }),
  });
  await addTemplates(t.sessions.trusted, [WRITE, READ], { actor: 'test', audit: false });
});
afterEach(() => {
  vi.unstubAllEnvs();
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await runtime?.close();
});

const governed = () => {
  vi.stubEnv('JOBFORGE_TEMPLATES_ENABLED', '1');
  vi.stubEnv('JOBFORGE_POLICY_ENABLED', '1');
};
const token = (tenant = TENANT_A, key = issuer.privateKeyPem, actions = ['enqueue:api.notify']) =>
  issuePolicyToken({ tenant_id: tenant, actions }, { privateKey: key, issuer: 'ops' }).then(
    (x) => x.token,
  );

describe('policy tokens on HTTP enqueue', () => {
  it('refuses a write job without a valid token for this tenant (403 POLICY_DENIED) and takes one with it', async () => {
    governed();
    const api = createApiClient({ baseUrl: t.url, apiKey: t.keyA });
    const body = { type: 'api.notify', payload: { to: 'ops' } };
    for (const [why, headers] of [
      ['no token', {}],
      [
        'another issuer',
        { 'JobForge-Policy-Token': await token(TENANT_A, stranger.privateKeyPem) },
      ],
      ["another tenant's", { 'JobForge-Policy-Token': await token(TENANT_B) }],
      [
        'another action',
        { 'JobForge-Policy-Token': await token(TENANT_A, undefined, ['enqueue:x.y']) },
      ],
      ['garbage', { 'JobForge-Policy-Token': 'not.a.jwt' }],
    ] as const) {
      const refused = await api.enqueueJob({ body, headers }).catch((e) => e);
      expect(refused, why).toBeInstanceOf(ApiError);
      expect(refused.status, why).toBe(403);
      expect(refused.problem, why).toMatchObject({
        code: 'POLICY_DENIED',
        where: 'enqueue:api.notify',
      });
    }
    const ok = await api.enqueueJob({
      body,
      headers: { 'JobForge-Policy-Token': await token() },
    });
    expect(ok.status).toBe(201);
    // A read template needs none; a payload off the template is 400 with its problems.
    expect((await api.enqueueJob({ body: { type: 'api.report', payload: {} } })).status).toBe(201);
    await expect(
      api.enqueueJob({
        body: { type: 'api.notify', payload: { to: 1 } },
        headers: { 'JobForge-Policy-Token': await token() },
      }),
    ).rejects.toMatchObject({ status: 400, code: 'PAYLOAD_INVALID' });
  });

  it('with the flags off, enqueue is the plain enqueue: no token needed', async () => {
    const api = createApiClient({ baseUrl: t.url, apiKey: t.keyA });
    const out = await api.enqueueJob({ body: { type: 'api.notify', payload: { anything: true } } });
    expect(out.status).toBe(201);
  });
});

async function mcpClient(headers: Record<string, string> = {}) {
  const client = new Client({ name: 'jobforge-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${t.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${t.keyA}`, ...headers } },
    }),
  );
  return client;
}
const detail = (result: Awaited<ReturnType<Client['callTool']>>) => {
  const blocks = result.content as { text: string }[];
  return JSON.parse(blocks[blocks.length - 1]!.text) as {
    code: string;
    message?: string;
    problems?: { path: string }[];
  };
};

describe('policy tokens and submit_event over MCP', () => {
  it('enqueue_job needs a token for a write job: in the call or in the request header', async () => {
    governed();
    const client = await mcpClient();
    try {
      const refused = await client.callTool({
        name: 'enqueue_job',
        arguments: { type: 'api.notify', payload: { to: 'a' } },
      });
      expect(refused.isError).toBe(true);
      expect(detail(refused)).toMatchObject({ code: 'POLICY_DENIED' });
      const ok = await client.callTool({
        name: 'enqueue_job',
        arguments: { type: 'api.notify', payload: { to: 'a' }, policy_token: await token() },
      });
      expect(ok.isError).toBeFalsy();
      expect(ok.structuredContent).toMatchObject({ created: true });
    } finally {
      await client.close();
    }
    const withHeader = await mcpClient({ 'JobForge-Policy-Token': await token() });
    try {
      const ok = await withHeader.callTool({
        name: 'enqueue_job',
        arguments: { type: 'api.notify', payload: { to: 'b' } },
      });
      expect(ok.isError).toBeFalsy();
    } finally {
      await withHeader.close();
    }
  });

  it('a connector call that runs at once and may write needs a live token granting connector:<id>:write', async () => {
    governed();
    const call = async (headers: Record<string, string>) => {
      const client = await mcpClient(headers);
      try {
        return await client.callTool({ name: 'echo__echo_say', arguments: { message: 'hi' } });
      } finally {
        await client.close();
      }
    };
    const refused = await call({});
    expect(refused.isError).toBe(true);
    expect(detail(refused).code).toBe('POLICY_DENIED');
    expect(detail(refused).message).toContain('POLICY_REQUIRED');
    const narrow = await call({
      'JobForge-Policy-Token': await token(TENANT_A, undefined, ['connector:other:write']),
    });
    expect(detail(narrow).message).toContain('POLICY_ACTION_NOT_GRANTED');
    const { token: good, claims } = await issuePolicyToken(
      { tenant_id: TENANT_A, actions: ['connector:echo:write'] },
      { privateKey: issuer.privateKeyPem, issuer: 'ops' },
    );
    const ok = await call({ 'JobForge-Policy-Token': good });
    expect(ok.isError).toBeFalsy();
    expect(ok.structuredContent).toEqual({ message: 'hi', length: 2 });
    await revokeToken(t.sessions.trusted, claims.jti, TENANT_A, { actor: 'test', audit: false });
    const revoked = await call({ 'JobForge-Policy-Token': good });
    expect(detail(revoked).message).toContain('POLICY_REVOKED');
  });

  it('offers submit_event only with events on, checks its arguments before anything runs, stores the event', async () => {
    const off = await mcpClient();
    try {
      expect((await off.listTools()).tools.map((x) => x.name)).not.toContain('submit_event');
    } finally {
      await off.close();
    }
    vi.stubEnv('JOBFORGE_EVENTS_ENABLED', '1');
    const client = await mcpClient();
    try {
      const tool = (await client.listTools()).tools.find((x) => x.name === 'submit_event')!;
      expect(tool.inputSchema).toMatchObject({
        type: 'object',
        required: ['id', 'source', 'type'],
      });
      expect(tool.annotations).toMatchObject({ readOnlyHint: false });
      const bad = await client.callTool({
        name: 'submit_event',
        arguments: { id: '', source: 'agent', extra: 1 },
      });
      expect(bad.isError).toBe(true);
      expect(detail(bad).code).toBe('INVALID_ARGUMENTS');
      expect(
        detail(bad)
          .problems!.map((p) => p.path)
          .sort(),
      ).toEqual(['/', '/id', '/type']);
      const event = { id: 'evt-1', source: 'agent', type: 'invoice.paid', data: { n: 1 } };
      const stored = await client.callTool({ name: 'submit_event', arguments: event });
      expect(stored.isError).toBeFalsy();
      expect(stored.structuredContent).toMatchObject({
        created: true,
        event: { id: 'evt-1', type: 'invoice.paid' },
      });
      const again = await client.callTool({ name: 'submit_event', arguments: event });
      expect(again.structuredContent).toMatchObject({ created: false });
      // The event belongs to the key's tenant: the other tenant's listing does not have it.
      const api = createApiClient({ baseUrl: t.url, apiKey: t.keyB });
      expect((await api.listEvents({ query: { type: 'invoice.paid' } })).data.events).toEqual([]);
    } finally {
      await client.close();
    }
  });
});

describe('health and the door flags', () => {
  it("reports the trigger scheduler's leader while its lease is live", async () => {
    const health = async () =>
      (await (await fetch(`${t.url}/api/health`)).json()) as {
        scheduler: { leader: string | null };
      };
    expect((await health()).scheduler.leader).toBeNull();
    await t.sessions.trusted.query(
      "select jobforge.jobforge_scheduler_lease('scheduler-host-1', 60000, null)",
    );
    expect((await health()).scheduler.leader).toBe('scheduler-host-1');
    await t.sessions.trusted.query(
      "update jobforge.jobforge_scheduler_lease set expires_at = now() - interval '1 second'",
    );
    expect((await health()).scheduler.leader).toBeNull();
  });

  it('starting the command is the opt-in; a flag set to off is the kill switch', async () => {
    expect(doorOpen('api', {})).toBe(true);
    expect(doorOpen('api', { JOBFORGE_API_ENABLED: '1' })).toBe(true);
    expect(doorOpen('mcp', { JOBFORGE_MCP_ENABLED: 'off' })).toBe(false);
    expect(() => doorOpen('mcp', { JOBFORGE_MCP_ENABLED: 'maybe' })).toThrow(/not on or off/);
    vi.stubEnv('JOBFORGE_API_ENABLED', '0');
    await expect(startServe({ databaseUrl: t.db.url })).rejects.toMatchObject({
      code: 'FEATURE_DISABLED',
      where: 'JOBFORGE_API_ENABLED',
    });
  });
});
