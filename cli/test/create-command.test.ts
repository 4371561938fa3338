import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobforge, ROOT } from './run-jobforge.js';

// The temp dir sits under toolkit/.jobforge/ (git-ignored) so the scaffold's imports of
// @jobforge/sdk and zod resolve through toolkit/node_modules, as they do for connectors/ after set-up.
let dir: string;
beforeAll(() => {
  mkdirSync(join(ROOT, 'toolkit/.jobforge'), { recursive: true });
  dir = mkdtempSync(join(ROOT, 'toolkit/.jobforge/create-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('jobforge create', () => {
  it.each([
    ['plain', ['--yes']],
    [
      'with-key',
      ['--auth', 'api_key', '--job-type', 'sync', '--job-type', 'with-key.push', '--yes'],
    ],
  ])('scaffolds %s, which passes validate --strict and test untouched', (id, flags) => {
    const created = jobforge(['create', id, '--dir', dir, ...flags, '--json']);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout).files).toEqual([
      'README.md',
      'metadata.json',
      'package.json',
      'src/index.ts',
      'test/fixtures/recordings/returns-the-message.json',
      'test/golden.json',
      `test/${id}.test.ts`,
    ]);
    const validated = jobforge(['validate', join(dir, id), '--strict', '--no-against']);
    expect(validated.stdout).toContain('✓ 1 connector valid');
    expect(validated.code).toBe(0);
    const tested = jobforge(['test', join(dir, id)]);
    expect(tested.stdout).toMatch(/0 failed/);
    expect(tested.code).toBe(0);
  });

  it('declares the secret and the auth method it scaffolds', () => {
    const meta = JSON.parse(readFileSync(join(dir, 'with-key/metadata.json'), 'utf8'));
    expect(meta.auth).toEqual({
      required: true,
      methods: ['api_key'],
      credentials_storage: 'secrets',
    });
    expect(meta.permissions.secrets).toEqual(['WITH_KEY_API_KEY']);
    expect(meta.supported_job_types).toEqual(['with-key.sync', 'with-key.push']);
  });

  it('takes defaults without prompting when stdin is not a terminal', () => {
    const run = jobforge(['create', 'piped', '--dir', dir], ROOT, '');
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(JSON.parse(readFileSync(join(dir, 'piped/metadata.json'), 'utf8')).name).toBe('Piped');
  });

  it('refuses to overwrite an existing folder', () => {
    const run = jobforge(['create', 'plain', '--dir', dir, '--yes']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('[CONNECTOR_EXISTS]');
  });

  it('rejects an invalid id with the rule it broke, creating nothing', () => {
    const run = jobforge(['create', 'Acme_CRM', '--dir', dir, '--yes']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"Acme_CRM" is not a valid connector id [INVALID_ID]');
    expect(run.stderr).toContain('lower-case letters, digits and single hyphens');
    expect(existsSync(join(dir, 'Acme_CRM'))).toBe(false);
  });

  it('rejects a malformed job type', () => {
    const run = jobforge(['create', 'typed', '--dir', dir, '--job-type', 'Sync Now', '--yes']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('[INVALID_JOB_TYPE]');
  });

  it('rejects a name or description longer than the schema allows, so what it writes validates', () => {
    const long = jobforge([
      'create',
      'long-name',
      '--dir',
      dir,
      '--name',
      'N'.repeat(150),
      '--yes',
    ]);
    expect(long.code).toBe(2);
    expect(long.stderr).toContain('[INVALID_FLAG]');
    expect(existsSync(join(dir, 'long-name'))).toBe(false);
  });
});
