import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from './run-cli.js';

const echoDir = join(repoRoot, 'connectors', 'echo');
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'jobforge-cli-'));
});

function expectNoStack(text: string) {
  expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

describe('jobforge basics', () => {
  it('prints help and version', () => {
    const help = runCli(['--help']);
    expect(help.status).toBe(0);
    for (const command of ['run', 'verify', 'hash', 'keys', 'demo'])
      expect(help.stdout).toContain(`jobforge ${command}`);
    const version = runCli(['--version']);
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('exits 2 with a message and no stack for an unknown command or a missing flag', () => {
    const unknown = runCli(['frobnicate']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown argument: frobnicate/);
    const missing = runCli(['run', echoDir]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/Missing required argument: input/);
    expectNoStack(missing.stderr);
  });
});

describe('jobforge keys generate', () => {
  it('writes a 0600 private key and a public key, prints the key id, and refuses to overwrite', () => {
    const out = join(work, 'keys');
    const first = runCli(['keys', 'generate', '--out', out, '--json']);
    expect(first.status).toBe(0);
    const printed = JSON.parse(first.stdout);
    expect(printed.key_id).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(join(out, 'private.pem')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(out, 'public.pem'), 'utf8')).toContain('BEGIN PUBLIC KEY');
    const again = runCli(['keys', 'generate', '--out', out]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/already exists.*\[KEYS_EXIST\]/);
  });
});

describe('jobforge hash', () => {
  it('hashes the canonical form from a file or stdin', () => {
    const file = join(work, 'doc.json');
    writeFileSync(file, '{"b": [1.0, 2], "a": "x"}');
    const fromFile = runCli(['hash', file]);
    const fromStdin = runCli(['hash'], { input: '{"a":"x","b":[1,2]}' });
    expect(fromFile.status).toBe(0);
    expect(fromFile.stdout).toBe(fromStdin.stdout);
    expect(fromFile.stdout.trim()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('exits 2 naming the problem for invalid JSON, a missing file and a NaN-free but non-JSON-able input', () => {
    const bad = runCli(['hash'], { input: '{"a":' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/standard input is not valid JSON.*\[INVALID_JSON\]/);
    const missing = runCli(['hash', join(work, 'nope.json')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/does not exist.*\[FILE_UNREADABLE\]/);
    expectNoStack(bad.stderr + missing.stderr);
  });
});

describe('jobforge run and verify', () => {
  it('runs a connector, signs the evidence, and verify accepts it', () => {
    const keys = join(work, 'run-keys');
    expect(runCli(['keys', 'generate', '--out', keys]).status).toBe(0);
    const run = runCli([
      'run',
      echoDir,
      '--input',
      '{"message":"hi","uppercase":true}',
      '--key',
      join(keys, 'private.pem'),
      '--tenant',
      'acme',
      '--trace',
      't-1',
      '--json',
    ]);
    expect(run.status).toBe(0);
    const output = JSON.parse(run.stdout);
    expect(output).toMatchObject({
      ok: true,
      data: { message: 'HI', length: 2 },
      evidence: { payloadType: 'application/vnd.in-toto+json' },
    });
    const runFile = join(work, 'run.json');
    writeFileSync(runFile, run.stdout);
    const verified = runCli(['verify', runFile, '--public-key', join(keys, 'public.pem')]);
    expect(verified.status).toBe(0);
    expect(verified.stdout).toMatch(/^✓ valid: echo@1\.0\.0 success, tenant acme, trace t-1/);

    // The bare envelope verifies too; a tampered one, another key and a garbage file do not.
    const envelopeFile = join(work, 'envelope.json');
    writeFileSync(envelopeFile, JSON.stringify(output.evidence));
    expect(runCli(['verify', envelopeFile, '--public-key', join(keys, 'public.pem')]).status).toBe(
      0,
    );
    const statement = JSON.parse(Buffer.from(output.evidence.payload, 'base64').toString());
    statement.predicate.invocation.tenant_id = 'someone-else';
    writeFileSync(
      envelopeFile,
      JSON.stringify({
        ...output.evidence,
        payload: Buffer.from(JSON.stringify(statement)).toString('base64'),
      }),
    );
    const tampered = runCli(['verify', envelopeFile, '--public-key', join(keys, 'public.pem')]);
    expect(tampered.status).toBe(1);
    expect(tampered.stderr).toMatch(/BAD_SIGNATURE/);
    const otherKeys = join(work, 'other-keys');
    runCli(['keys', 'generate', '--out', otherKeys]);
    const wrongKey = runCli(['verify', runFile, '--public-key', join(otherKeys, 'public.pem')]);
    expect(wrongKey.status).toBe(1);
    expect(wrongKey.stderr).toMatch(/UNKNOWN_KEYID/);
    const garbage = join(work, 'garbage.json');
    writeFileSync(garbage, '\u0000\u0001 not json');
    const garbageResult = runCli(['verify', garbage, '--public-key', join(keys, 'public.pem')]);
    expect(garbageResult.status).toBe(1);
    expect(garbageResult.stderr).toMatch(/not JSON/);
  });

  it('exits 1 when the connector fails, still with signed evidence', () => {
    const run = runCli(['run', echoDir, '--input', '{"message":""}', '--json'], { cwd: work });
    expect(run.status).toBe(1);
    const output = JSON.parse(run.stdout);
    expect(output).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', retryable: false } });
    expect(output.evidence.signatures).toHaveLength(1);
    // Without --key a development key is created under .jobforge/keys/ and announced.
    expect(run.stderr).toMatch(/development signing key/);
    expect(statSync(join(work, '.jobforge', 'keys', 'private.pem')).mode & 0o777).toBe(0o600);
  });

  it.each([
    [
      'an --input that is not JSON',
      ['--input', '{nope'],
      /--input is not valid JSON.*\[INVALID_INPUT\]/,
    ],
    [
      'an --input file that does not exist',
      ['--input', '@/no/such/file.json'],
      /does not exist.*\[FILE_UNREADABLE\]/,
    ],
    [
      'an unreadable --key',
      ['--input', '{}', '--key', '/no/such/key.pem'],
      /does not exist.*\[FILE_UNREADABLE\]/,
    ],
    [
      'a --key that is not a key',
      ['--input', '{}', '--key', '/etc/hostname'],
      /not a PEM private key.*\[INVALID_KEY\]/,
    ],
    [
      'a bad --timeout',
      ['--input', '{}', '--timeout', '-5'],
      /--timeout must be a positive integer.*\[INVALID_FLAG\]/,
    ],
    [
      'an unknown --operation',
      ['--input', '{}', '--operation', 'echo.shout'],
      /does not support echo.shout.*\[UNKNOWN_OPERATION\]/,
    ],
  ])('exits 2 with a clear error for %s', (_name, flags, message) => {
    const result = runCli(['run', echoDir, ...flags], { cwd: work });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expectNoStack(result.stderr);
  });

  it('exits 2 for a connector folder without metadata or without its entry', () => {
    const empty = join(work, 'empty-connector');
    mkdirSync(empty, { recursive: true });
    const noMeta = runCli(['run', empty, '--input', '{}'], { cwd: work });
    expect(noMeta.status).toBe(2);
    expect(noMeta.stderr).toMatch(/has no metadata.json.*\[CONNECTOR_NOT_FOUND\]/);
    writeFileSync(
      join(empty, 'metadata.json'),
      JSON.stringify({
        connector_id: 'empty',
        version: '1.0.0',
        entry: 'src/index.ts',
        supported_job_types: ['empty.run'],
      }),
    );
    const noEntry = runCli(['run', empty, '--input', '{}'], { cwd: work });
    expect(noEntry.status).toBe(2);
    expect(noEntry.stderr).toMatch(/does not exist.*\[ENTRY_NOT_FOUND\]/);
    mkdirSync(join(empty, 'src'));
    writeFileSync(join(empty, 'package.json'), '{"type":"module"}');
    writeFileSync(join(empty, 'src', 'index.ts'), 'export const notDefault = 1;\n');
    const noDefault = runCli(['run', empty, '--input', '{}'], { cwd: work });
    // The entry is found, so the sandbox tries to load it: that is a failed run, with evidence.
    expect(noDefault.status).toBe(1);
    expect(noDefault.stdout).toMatch(/CONNECTOR_LOAD_FAILED: .*no default-exported function/);
    expectNoStack(noMeta.stderr + noEntry.stderr + noDefault.stderr);
  });

  it('prints errors as JSON with --json', () => {
    const result = runCli(['run', echoDir, '--input', '{bad', '--json'], { cwd: work });
    expect(result.status).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', where: '--input' },
    });
  });
});

describe('jobforge demo', () => {
  it('runs, verifies, detects tampering and exits 0', () => {
    // The whole product end to end: slow on a loaded machine, so it gets its own time budget.
    const demo = runCli(['demo'], { timeoutMs: 170_000 });
    expect(demo.status).toBe(0);
    expect(demo.stdout).toContain('signature verified');
    expect(demo.stdout).toMatch(/tampered packet .*rejected/);
    expect(demo.stdout).toMatch(/echo@1\.0\.0 +say hello via registry \(\d+ B bundle\) +ok \(/);
    expect(demo.stdout).toMatch(/registry: \d+ connector\(s\) bundled and signed by [0-9a-f]{16}…/);
    expect(demo.stdout).toMatch(/tampered artifact .*rejected before loading/);
    expect(demo.stdout).toMatch(/evidence and manifest verify\nreplay of run \S+: identical/);
    expect(demo.stdout).toMatch(
      /audit: [1-9]\d* row\(s\) in \d+ hash chain\(s\) \(event\.ingested ×1, trigger\.create ×2\).*\n`jobforge audit verify`: every chain and checkpoint holds/,
    );
    expect(demo.stdout.trim().endsWith('demo passed')).toBe(true);
  }, 180_000);
});

describe('jobforge doctor', () => {
  it('reports each check, hides a database password, and fails on a bad DATABASE_URL', () => {
    const good = runCli(['doctor', '--json']);
    expect(good.status).toBe(0);
    const report = JSON.parse(good.stdout);
    expect(report.checks.map((c: { name: string }) => c.name)).toEqual(
      expect.arrayContaining(['node', 'signing key', 'connectors', 'database']),
    );
    expect(report.checks.find((c: { name: string }) => c.name === 'connectors').detail).toMatch(
      /echo/,
    );
  });
});

describe('review regressions', () => {
  it('verify refuses a run result whose data or ok was altered after signing', () => {
    const keys = join(work, 'tamper-keys');
    runCli(['keys', 'generate', '--out', keys]);
    const run = runCli([
      'run',
      echoDir,
      '--input',
      '{"message":"hi"}',
      '--key',
      join(keys, 'private.pem'),
      '--json',
    ]);
    const result = JSON.parse(run.stdout);
    const altered = join(work, 'altered.json');
    writeFileSync(
      altered,
      JSON.stringify({ ...result, data: { message: 'TAMPERED', length: 999 } }),
    );
    const dataCheck = runCli(['verify', altered, '--public-key', join(keys, 'public.pem')]);
    expect(dataCheck.status).toBe(1);
    expect(dataCheck.stderr).toMatch(/OUTPUT_MISMATCH/);
    writeFileSync(
      altered,
      JSON.stringify({
        ok: false,
        error: { code: 'X', message: 'm', retryable: false },
        evidence: result.evidence,
      }),
    );
    expect(
      runCli(['verify', altered, '--public-key', join(keys, 'public.pem'), '--json']).status,
    ).toBe(1);
  });

  it('run ends when the connector timed out even if it left a timer running', () => {
    const dir = join(work, 'lingering');
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    writeFileSync(
      join(dir, 'metadata.json'),
      JSON.stringify({
        connector_id: 'lingering',
        version: '1.0.0',
        entry: 'src/index.ts',
        supported_job_types: ['lingering.wait'],
      }),
    );
    writeFileSync(
      join(dir, 'src', 'index.ts'),
      'export default async () => { await new Promise((r) => setTimeout(r, 600_000)); return { ok: true, data: 1 }; };\n',
    );
    const started = Date.now();
    const result = runCli(['run', dir, '--input', '{}', '--timeout', '200', '--json'], {
      cwd: work,
    });
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
    // The default retry policy makes three attempts of 200 ms; the process must not wait 10 minutes.
    expect(Date.now() - started).toBeLessThan(50_000);
  });
});
