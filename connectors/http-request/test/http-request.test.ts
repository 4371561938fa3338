import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { runConnector } from '@jobforge/sdk';
import { runGoldenFile } from '@jobforge/toolkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import httpRequest from '../src/index.js';

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/hang') return; // never answers
    if (request.url === '/huge') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('x'.repeat(6 * 1024 * 1024));
      return;
    }
    if (request.url === '/redirect') {
      response.writeHead(302, { location: '/elsewhere' });
      response.end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    response.end('plain text');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const send = (payload: object) =>
  runConnector(httpRequest, {
    config: { retry_policy: { max_retries: 0 } },
    input: { operation: 'http-request.send', payload: payload as never },
  });

describe('http-request', () => {
  it('passes its golden cases', async () => {
    const results = await runGoldenFile(httpRequest, join(import.meta.dirname, '..'));
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.length).toBeGreaterThan(3);
  });

  it('returns a text body as text', async () => {
    const result = await send({ url: `${base}/text` });
    expect(result.ok && result.data).toMatchObject({ status: 200, body: 'plain text' });
  });

  it('returns a redirect instead of following it', async () => {
    const result = await send({ url: `${base}/redirect` });
    expect(result.ok && result.data).toMatchObject({
      status: 302,
      ok: false,
      headers: { location: '/elsewhere' },
    });
  });

  it('times out a server that never answers, as a retryable error', async () => {
    const result = await send({ url: `${base}/hang`, timeout_ms: 200 });
    expect(!result.ok && result.error).toMatchObject({ code: 'TIMEOUT', retryable: true });
  });

  it('refuses a response over 5 MiB', async () => {
    const result = await send({ url: `${base}/huge` });
    expect(!result.ok && result.error).toMatchObject({
      code: 'RESPONSE_TOO_LARGE',
      retryable: false,
    });
  });

  it('reports a refused connection as a retryable network error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await send({ url: `http://127.0.0.1:${port}/` });
    expect(!result.ok && result.error).toMatchObject({ code: 'NETWORK_ERROR', retryable: true });
    expect(!result.ok && result.error.message).toContain('ECONNREFUSED');
  });

  it('sends nothing on a dry run', async () => {
    const result = await runConnector(httpRequest, {
      input: { operation: 'http-request.send', payload: { url: `${base}/hang` } as never },
      context: { dry_run: true },
    });
    expect(!result.ok && result.error.code).toBe('DRY_RUN');
  });
});
