import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSigningKeyPair, isJobForgeError } from '@jobforge/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createRegistryClient,
  type RegistryClientOptions,
  type RegistryIndex,
  signIndex,
  verifyRegistry,
  yankVersion,
} from '../src/index.js';
import { buildRegistry } from './helpers/build-registry.js';
import { tempDir, writeConnector } from './helpers/connector-tree.js';
import { faultServer } from './helpers/fault-server.js';

const pair = generateSigningKeyPair();
const stranger = generateSigningKeyPair();
let root: string;
let out: string;
let server: Awaited<ReturnType<typeof faultServer>>;
let cacheDir: string;
let index: RegistryIndex;

beforeAll(async () => {
  root = tempDir('client');
  out = join(root, 'registry');
  const connectors = join(root, 'connectors');
  const build = () =>
    buildRegistry({ connectorsDir: connectors, outDir: out, key: pair.privateKeyPem });
  writeConnector(connectors, { id: 'alpha' });
  writeConnector(connectors, {
    id: 'beta',
    metadata: { permissions: { network: ['api.example.com'], secrets: [] } },
  });
  writeConnector(connectors, { id: 'gamma' });
  await build();
  writeConnector(connectors, {
    id: 'alpha',
    version: '1.1.0',
    metadata: { deprecated: { message: 'greets too loudly', replacement: 'gamma' } },
  });
  writeConnector(connectors, { id: 'gamma', version: '1.0.1' });
  await build();
  writeConnector(connectors, {
    id: 'alpha',
    version: '1.2.0',
    metadata: { engines: { jobforge: '>=0.1.0', node: '>=99.0.0' } },
  });
  await build();
  writeConnector(connectors, { id: 'alpha', version: '2.0.0-beta.1' });
  await build();
  await yankVersion(out, 'gamma', '1.0.1', { key: pair.privateKeyPem, reason: 'loses names' });
  index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8'));
  server = await faultServer(out);
});

const caches: string[] = [];
afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
  for (const dir of caches) rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  server.faults.clear();
  server.requests.length = 0;
  cacheDir = tempDir('cache');
  caches.push(cacheDir);
});

function client(options: Partial<RegistryClientOptions> = {}) {
  const warnings: string[] = [];
  const made = createRegistryClient({
    registry: server.url,
    trustedKeys: [pair.publicKeyPem],
    cacheDir,
    timeoutMs: 2_000,
    onWarning: (w) => warnings.push(w),
    ...options,
  });
  return Object.assign(made, { warnings });
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isJobForgeError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a failure');
}

const artifactOf = (id: string, version: string) =>
  index.connectors.find((c) => c.id === id)!.versions.find((v) => v.version === version)!;

describe('registry client over HTTP', () => {
  it('verifies the index, resolves by semver for what the host offers, and says why it refuses', async () => {
    const c = client();
    const loaded = await c.load();
    expect(loaded.keyid).toBe(pair.keyId);
    // 1.2.0 needs node >=99, so ^1 lands on the deprecated 1.1.0, with a warning.
    const picked = await c.resolve('alpha@^1');
    expect(picked.version.version).toBe('1.1.0');
    expect(c.warnings).toEqual([
      'alpha@1.1.0 is deprecated: greets too loudly (use gamma instead)',
    ]);
    expect((await c.resolve('alpha@^1', { node: '99.1.0' })).version.version).toBe('1.2.0');
    // Prereleases only when asked.
    expect(await failure(c.resolve('alpha@2'))).toEqual({
      code: 'NO_MATCHING_VERSION',
      message: 'no version of alpha satisfies 2 (have 2.0.0-beta.1, 1.2.0, 1.1.0, 1.0.0)',
    });
    expect((await c.resolve('alpha@2', { prerelease: true })).version.version).toBe('2.0.0-beta.1');
    expect(
      (await failure(c.resolve('alpha@^1', { node: '18.0.0', jobforge: '0.0.1' }))).message,
    ).toBe(
      'no usable version of alpha satisfies ^1: 1.2.0 needs node >=99.0.0 (host has 18.0.0); 1.1.0 needs node >=20.19.0 (host has 18.0.0); 1.0.0 needs node >=20.19.0 (host has 18.0.0)',
    );
    // Yanked versions are skipped; the refusal names the reason when nothing else fits.
    expect((await c.resolve('gamma@^1')).version.version).toBe('1.0.0');
    expect((await failure(c.resolve('gamma@1.0.1'))).message).toBe(
      'no usable version of gamma satisfies 1.0.1: 1.0.1 is yanked (loses names)',
    );
    // Permissions the host policy does not allow.
    expect((await failure(c.resolve('beta', { permissions: { network: [] } }))).message).toBe(
      'no usable version of beta satisfies *: 1.0.0 needs network access to api.example.com, which the host policy does not allow',
    );
    expect(
      (await c.resolve('beta', { permissions: { network: ['*.example.com'] } })).version.version,
    ).toBe('1.0.0');
    expect(await failure(c.resolve('alpah@1'))).toEqual({
      code: 'CONNECTOR_UNKNOWN',
      message: 'no connector alpah in the registry (did you mean alpha?)',
    });
    expect((await failure(c.resolve('alpha@not a range'))).code).toBe('INVALID_SPEC');
  });

  it('refreshes with If-None-Match and reuses an unchanged index', async () => {
    const c = client();
    await c.load();
    await c.load();
    const second = server.requests.slice(2);
    expect(second.map((r) => [r.path, r.status])).toEqual([
      ['index.json', 304],
      ['index.dsse.json', 304],
    ]);
    expect(second[0]!.headers['if-none-match']).toBeTruthy();
    expect((await c.resolve('alpha@1.0.0')).version.version).toBe('1.0.0');
  });

  it('fetches an artifact, verifies it, caches it by content, and repairs a corrupted cache entry', async () => {
    const c = client();
    const { version } = await c.resolve('alpha@1.0.0');
    const first = await c.fetchArtifact('alpha', version);
    expect(first.fromCache).toBe(false);
    expect(first.bytes).toEqual(readFileSync(join(out, version.artifact.path)));
    expect(first.path.startsWith(cacheDir)).toBe(true);
    const second = await c.fetchArtifact('alpha', version);
    expect(second.fromCache).toBe(true);
    writeFileSync(first.path, 'export default () => "evil";\n');
    const repaired = await c.fetchArtifact('alpha', version);
    expect(repaired.fromCache).toBe(false);
    expect(readFileSync(repaired.path)).toEqual(first.bytes);
    expect(c.warnings).toContain(
      'the cached artifact of alpha@1.0.0 was corrupted; fetched it again',
    );
  });

  it('refuses a tampered artifact before anything reads it, and caches nothing', async () => {
    const version = artifactOf('alpha', '1.0.0');
    const original = readFileSync(join(out, version.artifact.path), 'utf8');
    server.faults.set(version.artifact.path, {
      kind: 'replace',
      body: original.replace('hello', 'HACKD'),
    });
    const c = client();
    const refused = await failure(c.fetchArtifact('alpha', version));
    expect(refused.code).toBe('ARTIFACT_INTEGRITY');
    expect(refused.message).toMatch(/^the artifact of alpha@1\.0\.0 does not match the index/);
    expect(existsSync(join(cacheDir, 'sha256'))).toBe(false);
  });

  it('refuses a tampered index, an index signed by another key, and an unsigned one', async () => {
    const text = readFileSync(join(out, 'index.json'), 'utf8');
    server.faults.set('index.json', { kind: 'replace', body: text.replace('"1.0.0"', '"1.0.9"') });
    expect(await failure(client().load())).toMatchObject({ code: 'INDEX_SIGNATURE_INVALID' });

    server.faults.clear();
    const untrusted = await failure(client({ trustedKeys: [stranger.publicKeyPem] }).load());
    expect(untrusted.code).toBe('INDEX_UNTRUSTED');
    expect(untrusted.message).toContain(pair.keyId.slice(0, 16));
    const optedOut = client({ trustedKeys: [stranger.publicKeyPem], allowUntrusted: true });
    expect((await optedOut.load()).keyid).toBeUndefined();
    expect(optedOut.warnings[0]).toMatch(/loaded anyway because untrusted registries are allowed$/);

    server.faults.set('index.dsse.json', { kind: 'status', status: 404 });
    expect((await failure(client().load())).code).toBe('INDEX_UNSIGNED');
  });

  it('refuses an index format it does not know, even when properly signed', async () => {
    const future = Buffer.from(
      `${JSON.stringify({ ...index, format: 2, connectors: [] }, null, 2)}\n`,
    );
    server.faults.set('index.json', { kind: 'replace', body: future });
    server.faults.set('index.dsse.json', {
      kind: 'replace',
      body: JSON.stringify(signIndex(future, pair.privateKeyPem)),
    });
    const refused = await failure(client().load());
    expect(refused.code).toBe('INDEX_FORMAT_UNSUPPORTED');
    expect(refused.message).toMatch(/index format 2; this JobForge reads format 1$/);
  });

  it('reports a 500, a truncated body and a hanging server, each bounded and named', async () => {
    server.faults.set('index.json', { kind: 'status', status: 500 });
    expect(await failure(client().load())).toEqual({
      code: 'REGISTRY_HTTP_ERROR',
      message: `GET ${server.url}index.json answered HTTP 500`,
    });

    server.faults.set('index.json', { kind: 'truncate' });
    expect((await failure(client().load())).code).toBe('REGISTRY_TRUNCATED');

    const version = artifactOf('alpha', '1.0.0');
    server.faults.clear();
    server.faults.set(version.artifact.path, { kind: 'truncate' });
    expect((await failure(client().fetchArtifact('alpha', version))).code).toBe(
      'REGISTRY_TRUNCATED',
    );

    server.faults.set('index.json', { kind: 'hang' });
    const started = Date.now();
    const hung = await failure(client({ timeoutMs: 300 }).load());
    expect(hung).toEqual({
      code: 'REGISTRY_TIMEOUT',
      message: `GET ${server.url}index.json did not complete within 300 ms`,
    });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('verifyRegistry reports every bad artifact over HTTP and passes a good registry', async () => {
    const good = await verifyRegistry(server.url, [pair.publicKeyPem]);
    expect(good).toMatchObject({ ok: true, keyid: pair.keyId, connectors: 3, problems: [] });
    expect(good.versions).toBe(7);
    const a = artifactOf('alpha', '1.0.0').artifact.path;
    const b = artifactOf('beta', '1.0.0').artifact.path;
    server.faults.set(a, { kind: 'replace', body: 'tampered' });
    server.faults.set(b, { kind: 'status', status: 404 });
    const bad = await verifyRegistry(server.url, [pair.publicKeyPem]);
    expect(bad.ok).toBe(false);
    // Versions with identical code share one content-addressed artifact: each is reported.
    const sharing = index.connectors
      .flatMap((c) => c.versions)
      .filter((v) => v.artifact.path === a);
    expect(sharing.length).toBeGreaterThan(1);
    expect(bad.problems.filter((p) => p.code === 'ARTIFACT_INTEGRITY')).toHaveLength(
      sharing.length,
    );
    expect(bad.problems.filter((p) => p.code === 'ARTIFACT_MISSING')).toHaveLength(1);
    const wrongKey = await verifyRegistry(out, [stranger.publicKeyPem]);
    expect(wrongKey.problems.map((p) => p.code)).toEqual(['INDEX_UNTRUSTED']);
  });
});
