import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { generateSigningKeyPair, isJobForgeError } from '@jobforge/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  buildRegistry,
  createRegistryClient,
  type RegistryClientOptions,
  type RegistryIndex,
  resolveVersion,
  signIndex,
} from '../src/index.js';
import { tempDir, writeConnector } from './helpers/connector-tree.js';
import { faultServer } from './helpers/fault-server.js';

// A mirror without the key, a careless publisher, a tampered local cache: each class of hostile
// bytes the client reads, on a real HTTP server on 127.0.0.1 and real files, FIFOs and symlinks.
const pair = generateSigningKeyPair();
const DAY = 24 * 3600 * 1000;
let root: string;
let out: string;
let old: string;
let server: Awaited<ReturnType<typeof faultServer>>;
let cacheDir: string;
const made: string[] = [];

beforeAll(async () => {
  root = tempDir('mirror');
  out = join(root, 'registry');
  old = join(root, 'old');
  const connectors = join(root, 'connectors');
  const build = () =>
    buildRegistry({ connectorsDir: connectors, outDir: out, key: pair.privateKeyPem });
  writeConnector(connectors, { id: 'alpha' });
  await build();
  cpSync(out, old, { recursive: true });
  writeConnector(connectors, {
    id: 'alpha',
    version: '1.2.0',
    metadata: { permissions: { network: ['api.example.com'], secrets: ['TOKEN'] } },
  });
  await build();
  server = await faultServer(out);
});
afterAll(async () => {
  await server?.close();
  for (const dir of [root, ...made]) rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  server.faults.clear();
  cacheDir = tempDir('mirror-cache');
  made.push(cacheDir);
});

function client(options: Partial<RegistryClientOptions> = {}) {
  return createRegistryClient({
    registry: server.url,
    trustedKeys: [pair.publicKeyPem],
    cacheDir,
    timeoutMs: 2_000,
    ...options,
  });
}

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (isJobForgeError(error)) return error.code;
    throw error;
  }
}

/** Serves `index` as the registry's, signed by the trusted key (a publisher's mistake, signed). */
function serveSigned(
  index: unknown,
  freshness = { serial: 1000, expires: new Date(Date.now() + DAY).toISOString() },
) {
  const bytes = Buffer.from(JSON.stringify(index));
  server.faults.set('index.json', { kind: 'replace', body: bytes });
  server.faults.set('index.dsse.json', {
    kind: 'replace',
    body: JSON.stringify(signIndex(bytes, pair.privateKeyPem, freshness)),
  });
}

const current = (): RegistryIndex => JSON.parse(readFileSync(join(out, 'index.json'), 'utf8'));

describe('freshness: rollback and freeze', () => {
  it('signs each new index with a higher serial, and re-signs without a content change', async () => {
    const serialOf = (dir: string) =>
      JSON.parse(
        Buffer.from(
          JSON.parse(readFileSync(join(dir, 'index.dsse.json'), 'utf8')).payload,
          'base64',
        ).toString(),
      ).predicate.serial as number;
    expect(serialOf(old)).toBe(1);
    expect(serialOf(out)).toBe(2);
    const copy = join(root, 'resign');
    cpSync(out, copy, { recursive: true });
    const before = readFileSync(join(copy, 'index.json'));
    const result = await buildRegistry({
      connectorsDir: join(root, 'connectors'),
      outDir: copy,
      key: pair.privateKeyPem,
      signing: { resign: true, validityMs: 90 * DAY },
    });
    expect(result.written).toEqual(['index.dsse.json']);
    expect(readFileSync(join(copy, 'index.json'))).toEqual(before);
    expect(serialOf(copy)).toBe(3);
  });

  it('refuses an older signed index once it has seen a newer one, across clients', async () => {
    expect((await client().resolve('alpha@^1')).version.version).toBe('1.2.0');
    server.faults.set('index.json', {
      kind: 'replace',
      body: readFileSync(join(old, 'index.json')),
    });
    server.faults.set('index.dsse.json', {
      kind: 'replace',
      body: readFileSync(join(old, 'index.dsse.json')),
    });
    // A new client sharing the cache folder remembers serial 2; a fresh cache cannot know.
    expect(await code(client().load())).toBe('INDEX_ROLLBACK');
    cacheDir = tempDir('mirror-fresh');
    made.push(cacheDir);
    expect(await code(client().load())).toBe('ok');
  });

  it('refuses an expired signature, and a mirror answering 304 past the expiry', async () => {
    serveSigned(current(), { serial: 5000, expires: new Date(Date.now() - 1000).toISOString() });
    expect(await code(client().load())).toBe('INDEX_EXPIRED');
    server.faults.clear();
    let now = Date.now();
    const frozen = client({ now: () => now });
    await frozen.load();
    now += 400 * DAY;
    expect(await code(frozen.load())).toBe('INDEX_EXPIRED');
    expect(server.requests.at(-1)?.status).toBe(304);
  });

  it('refuses a 304 to a request that sent no If-None-Match, instead of crashing', async () => {
    server.faults.set('index.json', { kind: 'status', status: 304 });
    expect(await code(client().load())).toBe('REGISTRY_HTTP_ERROR');
  });
});

describe('bounds before parsing', () => {
  it('refuses a 66 MB nested envelope by its size, fast, and a small nested one by its depth', async () => {
    const deep = (n: number) => `{"payload":${'['.repeat(n)}${']'.repeat(n)}}`;
    server.faults.set('index.dsse.json', { kind: 'replace', body: deep(33_000_000) });
    let started = performance.now();
    expect(await code(client().load())).toBe('REGISTRY_TOO_LARGE');
    expect(performance.now() - started).toBeLessThan(5000);
    server.faults.set('index.dsse.json', { kind: 'replace', body: deep(30_000) });
    started = performance.now();
    expect(await code(client().load())).toBe('INDEX_SIGNATURE_INVALID');
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('refuses a signed index with a huge invalid array without building every error', async () => {
    const index = { ...current(), connectors: Array(3_000_000).fill(1) };
    serveSigned(index);
    const started = performance.now();
    expect(await code(client().load())).toBe('INDEX_INVALID');
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('refuses a directory registry whose files are a symlink to /dev/zero or a FIFO', async () => {
    for (const plant of ['symlink', 'fifo'] as const) {
      const dir = join(root, `planted-${plant}`);
      cpSync(out, dir, { recursive: true });
      rmSync(join(dir, 'index.json'));
      if (plant === 'symlink') symlinkSync('/dev/zero', join(dir, 'index.json'));
      else execFileSync('mkfifo', [join(dir, 'index.json')]);
      const started = performance.now();
      expect(await code(client({ registry: dir }).load()), plant).toBe('REGISTRY_FILE_INVALID');
      expect(performance.now() - started).toBeLessThan(5000);
    }
  });
});

describe('shapes the build never writes', () => {
  const variants: [string, (i: RegistryIndex) => void][] = [
    ['a connector listed twice', (i) => i.connectors.push(structuredClone(i.connectors[0]!))],
    [
      'a version listed twice',
      (i) => i.connectors[0]!.versions.push(structuredClone(i.connectors[0]!.versions[0]!)),
    ],
    [
      'a +build twin beside a yanked version',
      (i) => {
        const yanked = { ...structuredClone(i.connectors[0]!.versions[0]!), yanked: true };
        const twin = {
          ...structuredClone(yanked),
          version: `${yanked.version}+evade`,
          yanked: false,
        };
        i.connectors[0]!.versions.splice(0, 1, yanked, twin);
      },
    ],
    ['versions out of order', (i) => i.connectors[0]!.versions.reverse()],
    [
      'an engines range of a megabyte',
      (i) => {
        i.connectors[0]!.versions[0]!.engines.node = '>=1 '.repeat(250_000);
      },
    ],
  ];
  it.each(variants)('refuses %s as INDEX_INVALID', async (_what, mutate) => {
    const index = current();
    mutate(index);
    serveSigned(index);
    expect(await code(client().load())).toBe('INDEX_INVALID');
  });
});

describe('widening', () => {
  it('warns when the chosen version asks for more than the one before, and a host policy refuses it', async () => {
    const warnings: string[] = [];
    const picked = await client({ onWarning: (w) => warnings.push(w) }).resolve('alpha@^1');
    expect(picked.version.version).toBe('1.2.0');
    expect(warnings).toContain(
      'alpha@1.2.0 asks for more than 1.0.0 did: network access to api.example.com and the secrets TOKEN; pass a host policy (--allow-hosts, --policy) to refuse it',
    );
    const strict = client({ host: { permissions: { network: [], secrets: [] } } });
    expect((await strict.resolve('alpha@^1')).version.version).toBe('1.0.0');
  });
});

describe('display and the cache folder', () => {
  it('shows a deprecation message without its terminal escapes', () => {
    const index = current();
    index.connectors[0]!.versions[0]!.deprecated = { message: 'old \u001b]0;pwned\u0007\u001b[2J' };
    const picked = resolveVersion(index, 'alpha@^1');
    expect(picked.ok && picked.warnings.join('')).not.toMatch(/[\u0000-\u001f]/);
  });

  it('refuses a world-writable cache and a symlinked sha256/ folder', async () => {
    const version = current().connectors[0]!.versions[0]!;
    chmodSync(cacheDir, 0o777);
    expect(await code(client().fetchArtifact('alpha', version))).toBe('CACHE_UNSAFE');
    chmodSync(cacheDir, 0o700);
    const elsewhere = tempDir('mirror-elsewhere');
    made.push(elsewhere);
    symlinkSync(elsewhere, join(cacheDir, 'sha256'));
    expect(await code(client().fetchArtifact('alpha', version))).toBe('CACHE_UNSAFE');
    rmSync(join(cacheDir, 'sha256'));
    mkdirSync(join(cacheDir, 'sha256'), { mode: 0o700 });
    expect(await code(client().fetchArtifact('alpha', version))).toBe('ok');
  });
});

describe('fuzz: hostile values in every field the client reads from a signed index', () => {
  const hostile = (r: () => number): unknown => {
    const pick = Math.floor(r() * 11);
    if (pick === 0) return null;
    if (pick === 1) return -1;
    if (pick === 2) return 1e308;
    if (pick === 3) return '\u001b[2J\ud800';
    if (pick === 4) return 'x'.repeat(100_000);
    if (pick === 5) return [];
    if (pick === 6) return {};
    if (pick === 7) return JSON.parse(`${'['.repeat(60)}1${']'.repeat(60)}`);
    if (pick === 8) return JSON.parse('{"__proto__":{"polluted":true}}');
    if (pick === 9) return '>=1 <0 || ^99.0.0-x';
    return true;
  };
  /** Every path to a value in the index, so each field gets its turn. */
  const paths = (value: unknown, at: (string | number)[] = []): (string | number)[][] => {
    if (typeof value !== 'object' || value === null) return [at];
    const entries = Array.isArray(value)
      ? value.map((v, i) => [i, v] as const)
      : Object.entries(value);
    return [at, ...entries.flatMap(([k, v]) => paths(v, [...at, k]))];
  };

  it('never crashes the client: each load resolves or fails with a coded error, quickly', async () => {
    let seed = 12345;
    const r = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const base = current();
    const all = paths(base).filter((p) => p.length > 0);
    const codes = new Map<string, number>();
    for (let round = 0; round < 120; round++) {
      const index = structuredClone(base) as unknown as Record<string | number, unknown>;
      const path = all[Math.floor(r() * all.length)]!;
      let parent = index;
      for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
      parent[path.at(-1)!] = hostile(r);
      serveSigned(index, {
        serial: 10_000 + round,
        expires: new Date(Date.now() + DAY).toISOString(),
      });
      const started = performance.now();
      let outcome = 'ok';
      try {
        const c = client({ onWarning: () => {} });
        const picked = await c.resolve('alpha@^1');
        await c.fetchArtifact('alpha', picked.version);
      } catch (error) {
        if (!isJobForgeError(error)) throw new Error(`${path.join('/')}: ${String(error)}`);
        outcome = error.code;
      }
      expect(performance.now() - started, path.join('/')).toBeLessThan(5000);
      codes.set(outcome, (codes.get(outcome) ?? 0) + 1);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(codes.get('INDEX_INVALID')).toBeGreaterThan(0);
  }, 120_000);
});
