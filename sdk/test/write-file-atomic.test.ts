import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../src/index.js';

describe('writeFileAtomic', () => {
  it('replaces the content whole and sets the mode of a new file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jobforge-atomic-'));
    const path = join(dir, 'nested', 'key.pem');
    await writeFileAtomic(path, 'first', { mode: 0o600 });
    await writeFileAtomic(path, 'second');
    expect(readFileSync(path, 'utf8')).toBe('second');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'nested'))).toEqual(['key.pem']);
  });

  it('refuses to replace an existing file when exclusive, leaving it intact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jobforge-atomic-'));
    const path = join(dir, 'a.json');
    writeFileSync(path, 'keep');
    await expect(writeFileAtomic(path, 'new', { exclusive: true })).rejects.toMatchObject({
      code: 'EEXIST',
    });
    expect(readFileSync(path, 'utf8')).toBe('keep');
    expect(readdirSync(dir)).toEqual(['a.json']);
  });

  it('leaves neither a temp file nor a changed target when the write itself fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jobforge-atomic-'));
    const path = join(dir, 'a.json');
    writeFileSync(path, 'keep');
    await expect(writeFileAtomic(path, 42 as unknown as string)).rejects.toThrow();
    expect(readFileSync(path, 'utf8')).toBe('keep');
    expect(readdirSync(dir)).toEqual(['a.json']);
  });
});
