import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '@jobforge/sdk';

export interface GoldenServer {
  /** Base URL for one run: `http://127.0.0.1:<port>/<run>`; state (flaky counters) is per run. */
  url(run: string): string;
  close(): Promise<void>;
}

/**
 * A small real HTTP server on 127.0.0.1 that golden cases of network connectors call through
 * `{{golden_server}}`. Routes (after the run prefix):
 * - `/echo`: 200 with `{ method, path, query, headers, body }` of the request;
 * - `/json?value=<url-encoded JSON>`: 200 with that JSON;
 * - `/status/<code>`: that status, with `Retry-After` when `?retry_after=` is given;
 * - `/flaky/<name>?fail=N&code=503&retry_after=S`: the first N calls fail, then 200 `{ calls }`;
 * - `/webhook?secret=whsec_…`: 200 when the Standard Webhooks signature verifies, else 401.
 */
export async function startGoldenServer(): Promise<GoldenServer> {
  const calls = new Map<string, number>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () =>
      respond(request, response, Buffer.concat(chunks).toString('utf8'), calls),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (run) => `http://127.0.0.1:${port}/${run}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function respond(
  request: IncomingMessage,
  response: ServerResponse,
  body: string,
  calls: Map<string, number>,
): ServerResponse {
  response.sendDate = false; // keeps responses byte-identical, so deterministic cases stay so
  const url = new URL(request.url ?? '/', 'http://golden');
  const [run = '', route = '', arg = ''] = url.pathname.split('/').slice(1);
  const json = (status: number, value: unknown, headers: Record<string, string> = {}) =>
    response
      .writeHead(status, { 'content-type': 'application/json', ...headers })
      .end(JSON.stringify(value));
  const retryAfter = url.searchParams.get('retry_after');
  const extra: Record<string, string> = retryAfter ? { 'retry-after': retryAfter } : {};
  if (route === 'echo') {
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(
        ([k]) => k === 'content-type' || k.startsWith('x-') || k === 'authorization',
      ),
    );
    return json(200, {
      method: request.method,
      path: `/${route}`,
      query: Object.fromEntries(url.searchParams),
      headers,
      body,
    });
  }
  if (route === 'json') {
    try {
      return json(200, JSON.parse(url.searchParams.get('value') ?? 'null'));
    } catch {
      return json(400, { error: 'value is not JSON' });
    }
  }
  if (route === 'status') {
    const status = Number(arg);
    return json(status >= 200 && status <= 599 ? status : 400, { status }, extra);
  }
  if (route === 'flaky') {
    const key = `${run}/${arg}`;
    const count = (calls.get(key) ?? 0) + 1;
    calls.set(key, count);
    const fail = Number(url.searchParams.get('fail') ?? '1');
    if (count <= fail)
      return json(Number(url.searchParams.get('code') ?? '503'), { calls: count }, extra);
    return json(200, { calls: count });
  }
  if (route === 'webhook') {
    const secret = url.searchParams.get('secret') ?? '';
    let checked: ReturnType<typeof verifyWebhook>;
    try {
      checked = verifyWebhook(secret, body, request.headers as Record<string, string>);
    } catch {
      return json(400, { verified: false, reason: 'BAD_SECRET' });
    }
    return checked.ok
      ? json(200, { verified: true, id: checked.id })
      : json(401, { verified: false, reason: checked.reason });
  }
  return json(404, { error: `no route ${url.pathname}` });
}
