import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateSigningKeyPair, isJobForgeError } from '@jobforge/sdk';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildRegistry,
  INDEX_SCHEMA,
  integrityOf,
  type RegistryIndex,
  verifyIndexSignature,
  yankVersion,
} from '../src/index.js';
import { greetingSource, REPO_ROOT, tempDir, writeConnector } from './helpers/connector-tree.js';

const pair = generateSigningKeyPair();
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function tree(...ids: string[]): string {
  const root = tempDir('build');
  made.push(root);
  for (const id of ids) writeConnector(root, { id });
  return root;
}

/** Every file of a directory (hidden ones skipped) with its bytes, for byte-for-byte comparison. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path);
      else files[path] = readFileSync(join(dir, path)).toString('base64');
    }
  };
  walk('');
  return files;
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isJobForgeError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

const readIndex = (out: string): RegistryIndex =>
  JSON.parse(readFileSync(join(out, 'index.json'), 'utf8'));

describe('registry build', () => {
  it('writes a signed index that matches index.schema.json, with self-contained artifacts', async () => {
    const root = tree('zeta', 'alpha');
    writeConnector(root, { id: 'mid', version: '0.3.0-beta.1' });
    const out = join(root, '..', `${root.split('/').pop()}-out`);
    made.push(out);
    const result = await buildRegistry({
      connectorsDir: root,
      outDir: out,
      key: pair.privateKeyPem,
    });
    const index = readIndex(out);
    const validate = new Ajv2020({ strict: true, allowUnionTypes: true }).compile(INDEX_SCHEMA);
    expect(validate(index), JSON.stringify(validate.errors)).toBe(true);
    expect(index.connectors.map((c) => c.id)).toEqual(['alpha', 'mid', 'zeta']);
    expect(result.keyid).toBe(pair.keyId);
    const indexBytes = readFileSync(join(out, 'index.json'));
    const envelope = JSON.parse(readFileSync(join(out, 'index.dsse.json'), 'utf8'));
    expect(verifyIndexSignature(indexBytes, envelope, [pair.publicKeyPem])).toMatchObject({
      ok: true,
      keyid: pair.keyId,
      freshness: { serial: 1 },
    });
    for (const connector of index.connectors) {
      const { artifact } = connector.versions[0]!;
      const bytes = readFileSync(join(out, artifact.path));
      expect(integrityOf(bytes)).toBe(artifact.integrity);
      expect(bytes.length).toBe(artifact.size);
      const code = bytes.toString('utf8');
      // The sdk is inlined: the only imports left would be node builtins.
      expect(code).not.toMatch(/from\s+["']@jobforge\/sdk["']/);
      expect(code).toContain('function defineConnector');
      expect(code).toMatch(/export\s*\{\s*\w+ as default\s*\}/);
    }
    expect(existsSync(join(out, 'index.schema.json'))).toBe(true);
  });

  it('is byte-for-byte reproducible, honours SOURCE_DATE_EPOCH and rewrites nothing when unchanged', async () => {
    const root = tree('alpha', 'beta');
    const a = `${root}-a`;
    const b = `${root}-b`;
    made.push(a, b);
    const options = { connectorsDir: root, key: pair.privateKeyPem, sourceDateEpoch: '1700000000' };
    await buildRegistry({ ...options, outDir: a });
    await buildRegistry({ ...options, outDir: b });
    expect(snapshot(a)).toEqual(snapshot(b));
    expect(readIndex(a).connectors[0]!.versions[0]!.published_at).toBe('2023-11-14T22:13:20Z');
    const before = snapshot(a);
    const again = await buildRegistry({ ...options, outDir: a, sourceDateEpoch: '1800000000' });
    expect(again.written).toEqual([]);
    expect(again.cached).toBe(2);
    expect(snapshot(a)).toEqual(before);
  });

  it('adds new versions and keeps old ones; refuses changed content and backwards versions', async () => {
    const root = tree('alpha');
    const out = `${root}-out`;
    made.push(out);
    const build = () =>
      buildRegistry({ connectorsDir: root, outDir: out, key: pair.privateKeyPem });
    await build();
    const first = readIndex(out).connectors[0]!.versions[0]!;

    writeConnector(root, { id: 'alpha', version: '1.1.0', source: greetingSource('hi') });
    await build();
    const versions = readIndex(out).connectors[0]!.versions;
    expect(versions.map((v) => v.version)).toEqual(['1.1.0', '1.0.0']);
    expect(versions[1]).toEqual(first);
    expect(existsSync(join(out, first.artifact.path))).toBe(true);

    const published = snapshot(out);
    writeConnector(root, { id: 'alpha', version: '1.1.0', source: greetingSource('hey') });
    const changed = await refusal(build());
    expect(changed.code).toBe('PUBLISH_REFUSED');
    expect(changed.message).toMatch(/alpha@1\.1\.0 .* already published with other content/);

    writeConnector(root, { id: 'alpha', version: '1.0.5' });
    const backwards = await refusal(build());
    expect(backwards.code).toBe('PUBLISH_REFUSED');
    expect(backwards.message).toMatch(/alpha@1\.0\.5 .* moves backwards: 1\.1\.0/);
    expect(snapshot(out)).toEqual(published);
  });

  it('fails naming the connector whose bundle fails, and writes nothing', async () => {
    const root = tree('good');
    writeConnector(root, {
      id: 'broken',
      source: `import pad from 'left-pad-that-does-not-exist';\nexport default async () => ({ ok: true, data: { greeting: pad('x') } });\n`,
    });
    const out = `${root}-out`;
    const failure = await refusal(buildRegistry({ connectorsDir: root, outDir: out }));
    expect(failure.code).toBe('BUNDLE_FAILED');
    expect(failure.message).toMatch(/^bundling failed for broken:/);
    expect(failure.message).toContain('left-pad-that-does-not-exist');
    expect(existsSync(out)).toBe(false);
  });

  it('never executes connector code', async () => {
    const marker = join(REPO_ROOT, '.jobforge', `executed-${process.pid}`);
    const root = tree();
    writeConnector(root, {
      id: 'sneaky',
      source: `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'ran');\nthrow new Error('top-level code ran');\nexport default async () => ({ ok: true, data: { greeting: 'x' } });\n`,
    });
    made.push(`${root}-out`);
    const { index } = await buildRegistry({ connectorsDir: root, outDir: `${root}-out` });
    expect(existsSync(marker)).toBe(false);
    // Node builtins stay imports; everything else is inlined.
    const code = readFileSync(
      join(`${root}-out`, index.connectors[0]!.versions[0]!.artifact.path),
      'utf8',
    );
    expect(code).toMatch(/import \{ writeFileSync \} from "node:fs";/);
  });

  it('refuses invalid connectors, duplicate ids, stray files and unknown index formats', async () => {
    const root = tree('alpha');
    writeConnector(root, { id: 'bad', metadata: { version: 'one' } });
    const invalid = await refusal(buildRegistry({ connectorsDir: root, outDir: `${root}-out` }));
    expect(invalid.code).toBe('VALIDATION_FAILED');
    expect(invalid.message).toMatch(/refusing to publish: bad is invalid/);
    rmSync(join(root, 'bad'), { recursive: true });

    writeConnector(root, { id: 'twin', metadata: { connector_id: 'alpha' } });
    const duplicate = await refusal(buildRegistry({ connectorsDir: root, outDir: `${root}-out` }));
    expect(duplicate.code).toBe('VALIDATION_FAILED');
    expect(duplicate.message).toContain('ID_DUPLICATE');
    rmSync(join(root, 'twin'), { recursive: true });

    const out = `${root}-out`;
    made.push(out);
    await buildRegistry({ connectorsDir: root, outDir: out });
    writeFileSync(join(out, 'notes.txt'), 'hello');
    const stray = await refusal(buildRegistry({ connectorsDir: root, outDir: out }));
    expect(stray.code).toBe('REGISTRY_DIR_STRAY');
    expect(stray.message).toContain('notes.txt');
    rmSync(join(out, 'notes.txt'));

    const index = readIndex(out);
    writeFileSync(join(out, 'index.json'), JSON.stringify({ ...index, format: 2 }));
    const future = await refusal(buildRegistry({ connectorsDir: root, outDir: out }));
    expect(future.code).toBe('INDEX_FORMAT_UNSUPPORTED');
    expect(future.message).toContain('format 2');
  });

  it('yanks a version without deleting it, re-signs, and a rebuild keeps it yanked', async () => {
    const root = tree('alpha');
    const out = `${root}-out`;
    made.push(out);
    const build = () =>
      buildRegistry({ connectorsDir: root, outDir: out, key: pair.privateKeyPem });
    await build();
    const unsigned = await refusal(yankVersion(out, 'alpha', '1.0.0'));
    expect(unsigned.code).toBe('KEY_REQUIRED');
    await yankVersion(out, 'alpha', '1.0.0', { key: pair.privateKeyPem, reason: 'bad greeting' });
    const yanked = readIndex(out).connectors[0]!.versions[0]!;
    expect(yanked).toMatchObject({ yanked: true, yank_reason: 'bad greeting' });
    expect(existsSync(join(out, yanked.artifact.path))).toBe(true);
    const envelope = JSON.parse(readFileSync(join(out, 'index.dsse.json'), 'utf8'));
    expect(
      verifyIndexSignature(readFileSync(join(out, 'index.json')), envelope, [pair.publicKeyPem]).ok,
    ).toBe(true);
    await build();
    expect(readIndex(out).connectors[0]!.versions[0]!.yanked).toBe(true);
  });

  it('inlines a CommonJS dependency that requires a builtin, and the artifact runs', async () => {
    const root = tree();
    const pkg = join(root, 'node_modules', 'cjs-platform');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'package.json'), '{ "name": "cjs-platform", "main": "index.js" }\n');
    writeFileSync(
      join(pkg, 'index.js'),
      "const os = require('node:os');\nmodule.exports = () => os.platform();\n",
    );
    writeConnector(root, {
      id: 'platform',
      source: `import platform from 'cjs-platform';\nexport default async () => ({ ok: true, data: { greeting: platform() } });\n`,
    });
    const out = `${root}-out`;
    made.push(out);
    const { index } = await buildRegistry({ connectorsDir: root, outDir: out });
    const file = join(out, index.connectors[0]!.versions[0]!.artifact.path);
    expect(readFileSync(file, 'utf8')).toMatch(
      /^import \{ createRequire as __jobforgeCreateRequire \}/,
    );
    const fn = (await import(pathToFileURL(file).href)).default;
    expect(await fn({})).toEqual({ ok: true, data: { greeting: process.platform } });
  });
});
