import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, jobforge as run } from './run-jobforge.js';

const FIXTURES = join(ROOT, 'toolkit/test/fixtures');
const jobforge = (args: string[]) => run(args, FIXTURES);

describe('jobforge validate', () => {
  it('exits 0 on a clean tree and says so', () => {
    const run = jobforge(['validate', '_valid']);
    expect(run.stdout).toContain('✓ 1 connector valid');
    expect(run.code).toBe(0);
  });

  it('prints every problem with a code frame and exits 1 on errors', () => {
    const run = jobforge(['validate', 'RATE_LIMIT_BURST', 'JSON_SYNTAX']);
    expect(run.stdout).toContain('JSON_SYNTAX/acme/metadata.json:6:22 error JSON_SYNTAX');
    expect(run.stdout).toContain(
      'RATE_LIMIT_BURST/acme/metadata.json:28:19 error RATE_LIMIT_BURST',
    );
    expect(run.stdout).toMatch(/> 28 \| {5}"burst_size": 5,\n\s+\| {19}\^/);
    expect(run.stdout).not.toContain('\u001b['); // no colour off a TTY
    expect(run.code).toBe(1);
  });

  it('fails on warnings only with --strict', () => {
    expect(jobforge(['validate', 'README_MISSING']).code).toBe(0);
    expect(jobforge(['validate', 'README_MISSING', '--strict']).code).toBe(1);
  });

  it('prints stable JSON for tools', () => {
    const run = jobforge(['validate', 'SCHEMA_ENUM', '--format', 'json']);
    const body = JSON.parse(run.stdout);
    expect(body).toMatchObject({
      ok: false,
      summary: { connectors: 1, errors: 1, warnings: 0 },
      connectors: [
        { file: 'SCHEMA_ENUM/acme/metadata.json', id: 'acme', version: '1.0.0', valid: false },
      ],
    });
    expect(body.diagnostics[0]).toEqual({
      code: 'SCHEMA_ENUM',
      severity: 'error',
      message: expect.stringContaining('did you mean "stable"'),
      file: 'SCHEMA_ENUM/acme/metadata.json',
      pointer: '/maturity',
      line: 6,
      column: 15,
    });
    expect(run.code).toBe(1);
  });

  it('prints GitHub workflow annotations, across folders (two folders share the id acme here)', () => {
    const run = jobforge([
      'validate',
      'JOB_TYPE_DUPLICATE',
      'GOLDEN_TESTS_MISSING',
      '--format',
      'github',
    ]);
    expect(run.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^::warning file=GOLDEN_TESTS_MISSING\/acme\/metadata.json,line=1,col=1,title=GOLDEN_TESTS_MISSING::the connector/,
      ),
      expect.stringMatching(
        /^::error file=GOLDEN_TESTS_MISSING\/acme\/metadata.json,line=3,col=19,title=ID_DUPLICATE::connector_id "acme" is also declared by JOB_TYPE_DUPLICATE/,
      ),
      expect.stringMatching(
        /^::error file=JOB_TYPE_DUPLICATE\/acme\/metadata.json,line=3,col=19,title=ID_DUPLICATE::/,
      ),
      expect.stringMatching(
        /^::error file=JOB_TYPE_DUPLICATE\/acme\/metadata.json,line=12,col=5,title=JOB_TYPE_DUPLICATE::job type "acme.run" is listed twice/,
      ),
    ]);
    expect(run.code).toBe(1);
  });

  it('exits 2 on a usage error: an unknown format or a missing path', () => {
    const format = jobforge(['validate', '--format', 'xml']);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/Invalid values/);
    const missing = jobforge(['validate', 'no-such-dir']);
    expect(missing.stdout).toContain('PATH_NOT_FOUND');
    expect(missing.code).toBe(2);
  });
});

describe('scripts/validate-connector.ts', () => {
  it('works as the README shows it, with the same output and exit code as the CLI', () => {
    const script = spawnSync(
      join(ROOT, 'node_modules/.bin/tsx'),
      ['scripts/validate-connector.ts', 'toolkit/test/fixtures/RATE_LIMIT_BURST/acme'],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
    );
    expect(script.stdout).toContain('error RATE_LIMIT_BURST');
    expect(script.status).toBe(1);
  });
});

describe('jobforge validate: hostile metadata text', () => {
  it('never sends control characters from metadata to the terminal', async () => {
    const { formatPretty } = await import('../src/diagnostics/format-pretty.js');
    const text = formatPretty(
      {
        connectors: [],
        diagnostics: [
          {
            code: 'VERSION_NOT_SEMVER',
            severity: 'error',
            message: 'version "\u001b]0;owned\u0007\u001b[2J" is not valid',
            file: 'x\u001b[31m/metadata.json',
            pointer: '/version',
            line: 1,
            column: 1,
          },
        ],
      } as never,
      { color: false, cwd: '/nonexistent' },
    );
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });
});
