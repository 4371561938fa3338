import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Runtime } from '@jobforge/runtime';
import { generateSigningKeyPair, verifyEvidence } from '@jobforge/sdk';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderCatalog } from '../src/mcp/connector-catalog.js';
import { mountMcp } from '../src/mcp/mount-mcp.js';
import { startTestRuntime, startTestServer, TENANT_A } from './helpers.js';

const ROOT = join(import.meta.dirname, '../..');
const CONNECTORS = join(ROOT, 'connectors');
const pair = generateSigningKeyPair();
let runtime: Runtime;
let t: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  runtime = await startTestRuntime(pair.privateKeyPem);
  const connectors = await folderCatalog(CONNECTORS);
  t = await startTestServer({
    extend: (app, helpers) => {
      mountMcp(app, {
        connectors,
        runtime,
        version: 'test',
        sessions: lazySessions(),
        requireKey: helpers.requireKey,
      });
    },
  });
});
afterAll(() => runtime?.close());

// The sessions exist only once startTestServer has opened them; the route reads them per request.
function lazySessions() {
  return {
    forTenant: (tenant: string) => t.sessions.forTenant(tenant),
    get trusted() {
      return t.sessions.trusted;
    },
    close: async () => {},
  };
}

async function connect(transport: Transport): Promise<Client> {
  const client = new Client({ name: 'jobforge-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

/** The same checks over either transport: the SDK's own client against our server. */
async function exerciseTools(client: Client, tenant: string) {
  const { tools } = await client.listTools();
  const names = tools.map((tool) => tool.name);
  expect(names).toEqual(
    expect.arrayContaining(['echo__echo_say', 'enqueue_job', 'get_job', 'list_jobs']),
  );
  const echo = tools.find((tool) => tool.name === 'echo__echo_say')!;
  expect(echo.inputSchema).toMatchObject({ type: 'object', required: ['message'] });
  expect(echo.outputSchema).toMatchObject({ type: 'object', required: ['message', 'length'] });
  expect(echo.annotations).toMatchObject({ openWorldHint: false });
  expect(tools.find((tool) => tool.name === 'get_job')!.annotations).toMatchObject({
    readOnlyHint: true,
  });

  const called = await client.callTool({
    name: 'echo__echo_say',
    arguments: { message: 'hi', uppercase: true },
  });
  expect(called.isError).toBeFalsy();
  expect(called.structuredContent).toEqual({ message: 'HI', length: 2 });
  const meta = called._meta as Record<string, unknown>;
  const verified = verifyEvidence(meta['jobforge/evidence'], pair.publicKeyPem);
  expect(verified.ok).toBe(true);
  expect(meta['jobforge/evidence_sha256']).toMatch(/^[0-9a-f]{64}$/);

  const bad = await client.callTool({
    name: 'echo__echo_say',
    arguments: { message: 42, extra: true },
  });
  expect(bad.isError).toBe(true);
  const detail = errorDetail(bad);
  expect(detail.code).toBe('INVALID_ARGUMENTS');
  const paths = detail.problems!.map((p) => p.path);
  expect(paths).toEqual(expect.arrayContaining(['/message', '/']));

  const enqueued = await client.callTool({
    name: 'enqueue_job',
    arguments: { type: 'mcp.test', payload: { n: 1 }, idempotency_key: `k-${tenant}` },
  });
  const { id } = enqueued.structuredContent as { id: string; created: boolean };
  const again = await client.callTool({
    name: 'enqueue_job',
    arguments: { type: 'mcp.test', payload: { n: 1 }, idempotency_key: `k-${tenant}` },
  });
  expect(again.structuredContent).toEqual({ id, created: false });
  const job = await client.callTool({ name: 'get_job', arguments: { id } });
  expect(job.structuredContent).toMatchObject({ id, tenant_id: tenant, status: 'queued' });
  const listed = await client.callTool({ name: 'list_jobs', arguments: { type: 'mcp.test' } });
  expect((listed.structuredContent as { jobs: { id: string }[] }).jobs.map((j) => j.id)).toEqual([
    id,
  ]);
  const badQueue = await client.callTool({ name: 'get_job', arguments: { id: 'x' } });
  expect(badQueue.isError).toBe(true);
  expect(errorDetail(badQueue).problems!.map((p) => p.path)).toEqual(['/id']);
}

/** The JSON block an error result carries: its code and, for bad arguments, every problem. */
function errorDetail(result: Awaited<ReturnType<Client['callTool']>>) {
  const blocks = result.content as { type: string; text: string }[];
  return JSON.parse(blocks[blocks.length - 1]!.text) as {
    code: string;
    problems?: { path: string; message: string }[];
  };
}

describe('MCP over Streamable HTTP at /mcp', () => {
  it('lists connector and queue tools, runs a connector with signed evidence, refuses bad arguments', async () => {
    const client = await connect(
      new StreamableHTTPClientTransport(new URL(`${t.url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${t.keyA}` } },
      }),
    );
    try {
      await exerciseTools(client, TENANT_A);
    } finally {
      await client.close();
    }
  });

  it('needs an API key', async () => {
    const response = await fetch(`${t.url}/mcp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { code: string }).code).toBe('API_KEY_MISSING');
  });
});

describe('MCP over stdio: `jobforge mcp` as an MCP client starts it', () => {
  it('serves the same tools from the real binary', async () => {
    const tenant = '0d0d0d0d-0000-4000-8000-00000000000d';
    const keyDir = mkdtempSync(join(tmpdir(), 'jobforge-mcp-'));
    afterAll(() => rmSync(keyDir, { recursive: true, force: true }));
    writeFileSync(join(keyDir, 'private.pem'), pair.privateKeyPem, { mode: 0o600 });
    const client = await connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [
          join(ROOT, 'cli/bin/jobforge.mjs'),
          'mcp',
          '--connectors',
          CONNECTORS,
          '--key',
          join(keyDir, 'private.pem'),
          '--tenant',
          tenant,
          '--database-url',
          t.db.url,
        ],
        cwd: ROOT,
        stderr: 'pipe',
      }),
    );
    try {
      await exerciseTools(client, tenant);
    } finally {
      await client.close();
    }
  }, 90_000);
});
