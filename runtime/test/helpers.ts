import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DsseEnvelope, type EvidenceStatement, generateSigningKeyPair } from '@jobforge/sdk';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const HOSTILE = join(FIXTURES, 'hostile');
export const GOOD = (name: string) => join(FIXTURES, 'good', name);
export const ECHO = fileURLToPath(new URL('../../connectors/echo', import.meta.url));

/** One key pair for the whole test file; its private half is also written to disk as the "host key". */
export function hostKey() {
  const pair = generateSigningKeyPair();
  const dir = mkdtempSync(join(tmpdir(), 'jobforge-hostkey-'));
  const keyPath = join(dir, 'private.pem');
  writeFileSync(keyPath, pair.privateKeyPem, { mode: 0o600 });
  return { ...pair, keyPath };
}

export function statementOf(envelope: DsseEnvelope): EvidenceStatement {
  return JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as EvidenceStatement;
}

/** A real HTTP server on 127.0.0.1 with the routes the network tests use. */
export async function startServer(): Promise<{ server: Server; port: number; base: string }> {
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/redirect-to-metadata') {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    } else if (url === '/redirect-home') {
      res.writeHead(302, { location: '/' }).end();
    } else if (url.startsWith('/redirect-to?')) {
      const target = new URL(url, 'http://x').searchParams.get('url') ?? '/';
      res.writeHead(307, { location: target }).end();
    } else if (url === '/auth') {
      res.end(`authorization=${req.headers.authorization ?? 'none'}`);
    } else if (url === '/big') {
      res.end(Buffer.alloc(2 * 1024 * 1024, 97));
    } else {
      res.setHeader('content-type', 'text/plain');
      res.end(`hello from ${url} x-test=${req.headers['x-test'] ?? ''}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { server, port, base: `http://127.0.0.1:${port}` };
}

/** Waits (up to `ms`) until the runtime's pool has recycled a child since `before` was read. */
export async function waitForRecycle(
  runtime: { stats(): { pool: { recycled: number } } },
  before: number,
  ms = 5000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (runtime.stats().pool.recycled === before && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
}

/** Waits (up to `ms`) until the runtime's new children start from the runner's startup snapshot. */
export async function waitForSnapshot(
  runtime: { stats(): { pool: { startup: string } } },
  ms = 60_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (runtime.stats().pool.startup !== 'snapshot') {
    if (Date.now() > deadline) throw new Error(`no startup snapshot within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
