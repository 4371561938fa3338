import { execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ValidationResult, validateConnectors } from '../src/index.js';

const VALID = join(import.meta.dirname, 'fixtures/_valid/acme');
let root: string;
let result: ValidationResult;

/** A connector folder named `id` that is valid apart from its metadata.json, which `write` replaces. */
function connector(id: string, write?: (path: string) => void): string {
  const dir = join(root, id);
  cpSync(VALID, dir, { recursive: true });
  const meta = join(dir, 'metadata.json');
  rmSync(meta);
  if (write) write(meta);
  return meta;
}

function metadataText(id: string): string {
  const base = JSON.parse(readFileSync(join(VALID, 'metadata.json'), 'utf8')) as object;
  return JSON.stringify({ ...base, connector_id: id, supported_job_types: [`${id}.run`] }, null, 2);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'jobforge-hostile-'));
  cpSync(VALID, join(root, 'acme'), { recursive: true });
  // 50 MB: sparse, so writing it costs nothing; validate must not read it.
  connector('huge', (p) => {
    writeFileSync(p, '');
    execFileSync('truncate', ['-s', '50M', p]);
  });
  connector('deep', (p) => writeFileSync(p, `${'['.repeat(10_000)}${']'.repeat(10_000)}`));
  connector('bom', (p) => writeFileSync(p, `\uFEFF${metadataText('bom')}`));
  connector('latin', (p) =>
    writeFileSync(
      p,
      Buffer.concat([Buffer.from('{"name": "caf'), Buffer.from([0xe9]), Buffer.from('"}')]),
    ),
  );
  connector('surrogate', (p) =>
    writeFileSync(
      p,
      Buffer.concat([
        Buffer.from('{\n  "a": 1,\n  "name": "x'),
        Buffer.from([0xed, 0xa0, 0x80]),
        Buffer.from('"\n}\n'),
      ]),
    ),
  );
  connector('fifo', (p) => execFileSync('mkfifo', [p]));
  connector('dir', (p) => mkdirSync(p));
  connector('cycle', (p) => {
    symlinkSync(`${p}.other`, p);
    symlinkSync(p, `${p}.other`);
  });
  connector('linked', (p) => writeFileSync(p, metadataText('linked')));
  rmSync(join(root, 'linked/src/index.mjs'));
  symlinkSync('/etc/hostname', join(root, 'linked/src/index.mjs'));
  mkdirSync(join(root, 'nest'));
  symlinkSync('..', join(root, 'nest', 'up'));
  result = await validateConnectors([root], { cwd: root, against: false });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const codesOf = (file: string) =>
  result.diagnostics.filter((d) => d.file === file).map((d) => d.code);

describe('hostile input: each gets a diagnostic and the run completes', () => {
  it('keeps validating the good connector beside them', () => {
    expect(result.connectors.find((c) => c.file === 'acme/metadata.json')?.valid).toBe(true);
    expect(codesOf('acme/metadata.json')).toEqual([]);
  });

  it('reports a 50 MB metadata file without reading it', () => {
    expect(codesOf('huge/metadata.json')).toEqual(['FILE_TOO_LARGE']);
  });

  it('reports 10,000-deep nesting at the first bracket past the limit', () => {
    const [d] = result.diagnostics.filter((x) => x.file === 'deep/metadata.json');
    expect(d).toMatchObject({ code: 'JSON_TOO_DEEP', line: 1, column: 129 });
  });

  it('warns about a BOM and validates the rest of the file', () => {
    expect(codesOf('bom/metadata.json')).toEqual(['JSON_BOM']);
    expect(result.connectors.find((c) => c.file === 'bom/metadata.json')?.valid).toBe(true);
  });

  it('points at the first byte that is not UTF-8', () => {
    const [d] = result.diagnostics.filter((x) => x.file === 'latin/metadata.json');
    expect(d).toMatchObject({ code: 'JSON_INVALID_UTF8', line: 1, column: 14 });
  });

  it('treats an encoded surrogate as invalid UTF-8 and points at its lead byte (RFC 3629)', () => {
    const [d] = result.diagnostics.filter((x) => x.file === 'surrogate/metadata.json');
    expect(d).toMatchObject({ code: 'JSON_INVALID_UTF8', line: 3, column: 13 });
    expect(d?.message).toMatch(/0xed/i);
  });

  it('never opens a FIFO or a directory named metadata.json', () => {
    expect(codesOf('fifo/metadata.json')).toEqual(['FILE_UNREADABLE']);
    expect(codesOf('dir/metadata.json')).toEqual(['FILE_UNREADABLE']);
    expect(result.diagnostics.find((d) => d.file === 'fifo/metadata.json')?.message).toMatch(
      /FIFO/,
    );
  });

  it('refuses an entry that is a link to a file outside the connector folder', () => {
    expect(codesOf('linked/metadata.json')).toEqual(['ENTRY_OUTSIDE_FOLDER']);
  });

  it('reports symlink loops instead of walking them', () => {
    expect(codesOf('nest/up')).toEqual(['SYMLINK_LOOP']);
    expect(codesOf('cycle/metadata.json')).toEqual(['SYMLINK_LOOP']);
  });

  it('parses a real 50 MB file when the limit allows it, without a stack overflow', async () => {
    const dir = join(root, 'big-ok');
    connector('big-ok', (p) => writeFileSync(p, `{"x-blob": "${'a'.repeat(50 * 1024 * 1024)}"}`));
    const big = await validateConnectors([dir], {
      cwd: root,
      against: false,
      maxBytes: 64 * 1024 * 1024,
    });
    expect(big.diagnostics.map((d) => d.code)).toContain('SCHEMA_REQUIRED');
    expect(big.diagnostics.map((d) => d.code)).not.toContain('FILE_TOO_LARGE');
  });
});
