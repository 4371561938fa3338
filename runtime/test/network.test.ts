import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostAllowed, parseAllowList } from '../src/egress/host-allowlist.js';
import { classifyAddress, createRuntime, type Runtime } from '../src/index.js';
import { GOOD, hostKey, startServer, statementOf } from './helpers.js';

const key = hostKey();
let server: { server: Server; port: number; base: string };
let other: { server: Server; port: number; base: string };
let runtime: Runtime;

beforeAll(async () => {
  server = await startServer();
  other = await startServer();
  runtime = await createRuntime({
    signingKey: key.privateKeyPem,
    policy: {
      allowPrivateAddresses: [`127.0.0.1:${server.port}`, `127.0.0.1:${other.port}`],
      maxResponseBytes: 1024 * 1024,
    },
    limits: { timeoutMs: 5000 },
    pool: { maxChildren: 3, warm: 1 },
  });
});
afterAll(async () => {
  await runtime.close();
  server.server.close();
  other.server.close();
});

describe('egress through the host', () => {
  it('reaches a declared host that the host policy allows, headers and all', async () => {
    const run = await runtime.run(GOOD('fetcher'), { payload: { url: `${server.base}/hello` } });
    expect(run).toMatchObject({
      ok: true,
      data: { status: 200, body: 'hello from /hello x-test=1' },
    });
    expect(statementOf(run.evidence).predicate.denials).toEqual([]);
  });

  it('follows a redirect that stays on an allowed address', async () => {
    const run = await runtime.run(GOOD('fetcher'), {
      payload: { url: `${server.base}/redirect-home` },
    });
    expect(run).toMatchObject({
      ok: true,
      data: { status: 200, body: 'hello from / x-test=1', url: `${server.base}/` },
    });
  });

  it('denies the same server on another port: the exemption is address and port', async () => {
    const run = await runtime.run(GOOD('fetcher'), {
      payload: { url: `http://127.0.0.1:${server.port + 1}/` },
    });
    expect(run.ok ? 'ok' : run.error.code).toBe('NETWORK_DENIED');
    expect(statementOf(run.evidence).predicate.denials[0]).toMatchObject({
      kind: 'network',
      target: `127.0.0.1:${server.port + 1}`,
    });
  });

  it('keeps credentials on a same-origin redirect and drops them on a cross-origin one', async () => {
    const headers = { authorization: 'Bearer s3cret' };
    const same = await runtime.run(GOOD('fetcher'), {
      payload: { url: `${server.base}/redirect-to?url=/auth`, headers },
    });
    expect(same).toMatchObject({ ok: true, data: { body: 'authorization=Bearer s3cret' } });
    const cross = await runtime.run(GOOD('fetcher'), {
      payload: {
        url: `${server.base}/redirect-to?url=${encodeURIComponent(`${other.base}/auth`)}`,
        headers,
      },
    });
    expect(cross).toMatchObject({
      ok: true,
      data: { body: 'authorization=none', url: `${other.base}/auth` },
    });
  });

  it('caps the response size', async () => {
    const run = await runtime.run(GOOD('fetcher'), { payload: { url: `${server.base}/big` } });
    expect(run.ok).toBe(false);
    expect(run.ok ? '' : run.error.message).toMatch(/larger than 1048576 bytes/);
  });
});

describe('permissions.network matching', () => {
  it.each([
    [['api.example.com'], 'api.example.com', 443, true],
    [['api.example.com'], 'API.Example.com.', 443, true],
    [['api.example.com'], 'evil-api.example.com', 443, false],
    [['api.example.com'], 'api.example.com.evil.com', 443, false],
    [['*.example.com'], 'a.b.example.com', 443, true],
    [['*.example.com'], 'example.com', 443, false],
    [['api.example.com:8443'], 'api.example.com', 443, false],
    [['api.example.com:8443'], 'api.example.com', 8443, true],
    [['2130706433'], '127.0.0.1', 80, true],
    [['*.0.0.1'], '127.0.0.1', 80, false],
    [['bücher.example'], 'xn--bcher-kva.example', 443, true],
  ] as const)('%j allows %s:%i → %s', (entries, host, port, expected) => {
    expect(hostAllowed(parseAllowList(entries), host, port)).toBe(expected);
  });
});

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['169.254.169.254', 'metadata-service'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['100.64.0.1', 'cgnat'],
    ['100.100.100.200', 'metadata-service'],
    ['::ffff:127.0.0.1', 'ipv4-mapped'],
    ['::ffff:8.8.8.8', 'ipv4-mapped'],
    ['64:ff9b::7f00:1', 'nat64'],
    ['fd00:ec2::254', 'metadata-service'],
    ['fc00::1', 'private'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'reserved'],
    ['8.8.8.8', null],
    ['2606:4700:4700::1111', null],
  ])('%s → %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });
});
