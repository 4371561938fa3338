import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServedRegistry, serveRegistry } from '../src/index.js';
import { tempDir } from './helpers/connector-tree.js';

let dir: string;
let served: ServedRegistry;
const hex = 'a'.repeat(64);

beforeAll(async () => {
  dir = tempDir('serve');
  mkdirSync(join(dir, 'artifacts', 'sha256'), { recursive: true });
  mkdirSync(join(dir, '.cache'));
  writeFileSync(join(dir, 'index.json'), '{"format":1}\n');
  writeFileSync(join(dir, 'artifacts', 'sha256', `${hex}.mjs`), 'export default 1;\n');
  writeFileSync(join(dir, '.cache', 'build.json'), '{"secret":true}');
  writeFileSync(join(dir, '..', 'outside.txt'), 'outside');
  // A link inside the folder that leads out of it must not be followed.
  symlinkSync(join(dir, '..', 'outside.txt'), join(dir, 'artifacts', 'notes.txt'));
  served = await serveRegistry(dir);
});

afterAll(async () => {
  await served.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(join(dir, '..', 'outside.txt'), { force: true });
});

describe('registry serve', () => {
  it('does not follow a symlink out of the registry folder', async () => {
    const response = await fetch(new URL('artifacts/notes.txt', served.url));
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('outside');
  });

  it('serves with content types and strong ETags, answering If-None-Match with 304', async () => {
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const index = await fetch(new URL('index.json', served.url));
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(await index.text()).toBe('{"format":1}\n');
    const etag = index.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const again = await fetch(new URL('index.json', served.url), {
      headers: { 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
    const artifact = await fetch(new URL(`artifacts/sha256/${hex}.mjs`, served.url));
    expect(artifact.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(artifact.headers.get('cache-control')).toContain('immutable');
  });

  it('answers 404 for hidden files, paths outside the directory and folders; 405 for writes', async () => {
    for (const path of [
      '.cache/build.json',
      '..%2Foutside.txt',
      '%2e%2e/outside.txt',
      'artifacts',
      'nope.json',
    ]) {
      const response = await fetch(`${served.url}${path}`);
      expect(response.status, path).toBe(404);
    }
    expect((await fetch(served.url, { method: 'POST' })).status).toBe(405);
  });
});
