import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { generateWebhookSecret, runConnector, verifyWebhook } from '@jobforge/sdk';
import { runGoldenFile } from '@jobforge/toolkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import deliver, { SECRET } from '../src/index.js';
import { parseRetryAfter } from '../src/retry-after.js';

const secret = generateWebhookSecret();

/** A receiver that answers with the scripted statuses in turn and records what it got. */
let server: Server;
let base: string;
let script: { status: number; headers?: Record<string, string> }[] = [];
const received: { headers: IncomingMessage['headers']; body: string }[] = [];
beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      const next = script.shift() ?? { status: 204 };
      response.writeHead(next.status, next.headers ?? {});
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

/** Runs with a retry policy; the sleeps runConnector would take are recorded instead of waited. */
async function deliverWithRetries(maxRetries: number) {
  received.length = 0;
  const sleeps: number[] = [];
  const result = await runConnector(
    deliver,
    {
      config: {
        retry_policy: { max_retries: maxRetries, base_delay_ms: 10, max_delay_ms: 120_000 },
      },
      input: {
        operation: 'webhook-deliver.send',
        payload: { url: base, event: 'order.shipped', data: { order: 7 } },
      },
      context: { secrets: { [SECRET]: secret } },
    },
    {
      sleep: async (ms) => {
        sleeps.push(ms);
        return true;
      },
    },
  );
  return { result, sleeps };
}

describe('webhook-deliver', () => {
  it('passes its golden cases', async () => {
    const results = await runGoldenFile(deliver, join(import.meta.dirname, '..'));
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.length).toBeGreaterThan(3);
  });

  it('sends a Standard Webhooks request the receiver can verify', async () => {
    script = [{ status: 200 }];
    const { result } = await deliverWithRetries(0);
    expect(result.ok && result.data).toMatchObject({ delivered: true, status: 200 });
    const [request] = received;
    expect(JSON.parse(request!.body)).toMatchObject({ type: 'order.shipped', data: { order: 7 } });
    const verified = verifyWebhook(
      secret,
      request!.body,
      request!.headers as Record<string, string>,
    );
    expect(verified.ok).toBe(true);
  });

  it('retries 5xx and 429, honoring Retry-After, with the same webhook-id', async () => {
    script = [
      { status: 503 },
      { status: 429, headers: { 'retry-after': '30' } },
      { status: 502, headers: { 'retry-after': new Date(Date.now() + 90_000).toUTCString() } },
      { status: 200 },
    ];
    const { result, sleeps } = await deliverWithRetries(5);
    expect(result.ok).toBe(true);
    expect(received).toHaveLength(4);
    expect(new Set(received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(sleeps).toHaveLength(3);
    expect(sleeps[0]).toBeLessThan(1_000); // plain backoff
    expect(sleeps[1]).toBeGreaterThanOrEqual(30_000); // Retry-After: 30
    expect(sleeps[2]).toBeGreaterThanOrEqual(85_000); // Retry-After as an HTTP date
    expect(result.evidence.predicate.invocation.attempts).toBe(4);
  });

  it('gives up after max_retries with a retryable error carrying retry_after_ms', async () => {
    script = [
      { status: 429, headers: { 'retry-after': '5' } },
      { status: 429, headers: { 'retry-after': '5' } },
    ];
    const { result } = await deliverWithRetries(1);
    expect(!result.ok && result.error).toEqual({
      code: 'RATE_LIMITED',
      message: expect.stringContaining('HTTP 429'),
      retryable: true,
      retry_after_ms: 5_000,
    });
  });

  it('does not retry a 4xx other than 408 and 429', async () => {
    script = [{ status: 410 }];
    const { result } = await deliverWithRetries(3);
    expect(!result.ok && result.error).toMatchObject({
      code: 'DELIVERY_REJECTED',
      retryable: false,
    });
    expect(received).toHaveLength(1);
  });

  it('reads Retry-After as seconds or an HTTP date, and ignores garbage', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
