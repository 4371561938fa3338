import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyEvidence } from '@jobforge/sdk';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'node_modules', '.bin', 'jobforge');
const KEYS = mkdtempSync(join(tmpdir(), 'jobforge-run-cli-'));

function jobforge(...args: string[]) {
  const result = spawnSync(BIN, args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('jobforge run (in the sandbox)', () => {
  const keys = jobforge('keys', 'generate', '--out', join(KEYS, 'k'));
  const key = ['--key', join(KEYS, 'k', 'private.pem')];

  it('prints { ok, data, evidence } and, with --stats, the runtime stats', async () => {
    expect(keys.code).toBe(0);
    const out = jobforge(
      'run',
      'connectors/echo',
      '--input',
      '{"message":"hi"}',
      '--json',
      '--stats',
      ...key,
    );
    expect(out.code).toBe(0);
    const run = JSON.parse(out.stdout);
    expect(run).toMatchObject({ ok: true, data: { message: 'hi', length: 2 } });
    const { readFileSync } = await import('node:fs');
    const publicKey = readFileSync(join(KEYS, 'k', 'public.pem'), 'utf8');
    expect(verifyEvidence(run.evidence, publicKey).ok).toBe(true);
    expect(run.stats.connectors['echo@1.0.0']).toMatchObject({ calls: 1, ok: 1 });
    expect(['namespace', 'guard']).toContain(run.stats.isolation.network);
  });

  it('ends a hung connector with TIMEOUT, exit 1 and signed evidence', () => {
    const out = jobforge(
      'run',
      'runtime/test/fixtures/hostile/sync-loop',
      '--input',
      '{}',
      '--timeout',
      '500',
      '--json',
      ...key,
    );
    expect(out.code).toBe(1);
    const run = JSON.parse(out.stdout);
    expect(run).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
    expect(run.error.message).toContain('500 ms');
    expect(run.evidence.signatures).toHaveLength(1);
  });

  it('keeps UNKNOWN_OPERATION a usage error (exit 2)', () => {
    const out = jobforge(
      'run',
      'connectors/echo',
      '--input',
      '{}',
      '--operation',
      'echo.nope',
      ...key,
    );
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('UNKNOWN_OPERATION');
  });
});
