import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSigningKeyPair, sha256Hex, writeFileAtomic } from '@jobforge/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcess } from './run-in-process.js';

const connectors = fileURLToPath(new URL('../../connectors', import.meta.url));

describe('jobforge runs / impact / replay on the embedded database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jobforge-cli-runs-'));
  const pair = generateSigningKeyPair();
  const keyPath = join(dir, 'private.pem');
  const publicPath = join(dir, 'public.pem');
  const saved = {
    url: process.env.DATABASE_URL,
    tenant: process.env.JOBFORGE_TENANT,
    runs: process.env.JOBFORGE_RUNS_ENABLED,
  };
  const common = ['--data-dir', join(dir, 'queue')];
  const stores = [...common, '--artifacts-dir', join(dir, 'artifacts')];
  const reading = [...stores, '--public-key', publicPath];
  const jobforge = async (...args: string[]) => {
    const r = await inProcess(args);
    return { ...r, json: () => JSON.parse(r.out) };
  };
  beforeAll(async () => {
    delete process.env.DATABASE_URL;
    delete process.env.JOBFORGE_TENANT;
    await writeFileAtomic(keyPath, pair.privateKeyPem, { mode: 0o600 });
    await writeFileAtomic(publicPath, pair.publicKeyPem);
  });
  afterAll(() => {
    for (const [name, value] of [
      ['DATABASE_URL', saved.url],
      ['JOBFORGE_TENANT', saved.tenant],
      ['JOBFORGE_RUNS_ENABLED', saved.runs],
    ] as const)
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    rmSync(dir, { recursive: true, force: true });
  });

  it('records a worker run, shows it, writes its files, explains it and replays it identically', async () => {
    process.env.JOBFORGE_RUNS_ENABLED = '1';
    const payload = JSON.stringify({ connector: 'echo', input: { message: 'on the record' } });
    const { id } = (
      await jobforge('enqueue', 'connector.run', '--payload', payload, '--json', ...common)
    ).json();
    const worker = await jobforge(
      'worker',
      '--drain',
      '--key',
      keyPath,
      '--connectors',
      connectors,
      '--json',
      ...common,
      '--artifacts-dir',
      join(dir, 'artifacts'),
    );
    expect(worker.json()).toMatchObject({ succeeded: 1 });

    const shown = await jobforge('runs', 'show', id, '--json', ...reading);
    expect(shown.code).toBe(0);
    const view = shown.json();
    expect(view).toMatchObject({ run_id: `${id}.1`, verified: true, problems: [] });
    expect(view.artifacts.map((a: { name: string }) => a.name).sort()).toEqual([
      'events.jsonl',
      'evidence.json',
      'input.json',
      'output.json',
      'run_receipt.json',
      'summary.md',
    ]);

    const out = join(dir, 'files');
    expect((await jobforge('runs', 'artifacts', `${id}.1`, '--out', out, ...reading)).code).toBe(0);
    for (const a of view.artifacts as { name: string; sha256: string }[])
      expect(sha256Hex(readFileSync(join(out, a.name)))).toBe(a.sha256);
    const receipt = JSON.parse(readFileSync(join(out, 'run_receipt.json'), 'utf8'));
    expect(receipt).toMatchObject({
      run_id: `${id}.1`,
      status: 'success',
      connector: { id: 'echo' },
    });
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(/No outbound calls\./);
    const kinds = readFileSync(join(out, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).kind);
    expect(kinds).toEqual(['claimed', 'started', 'log', 'finished']);

    const impact = await jobforge('impact', 'show', '--run', id, ...reading);
    expect(impact.code).toBe(0);
    expect(impact.out).toMatch(/echo@1\.0\.0/);
    expect(impact.out).toMatch(/evidence and manifest verify/);

    const replay = await jobforge(
      'replay',
      '--run',
      id,
      '--key',
      keyPath,
      '--connectors',
      connectors,
      ...reading,
    );
    expect(replay.out).toMatch(/identical/);
    expect(replay.code).toBe(0);

    // Not found, and another tenant's view of it: the same answer, no data.
    const missing = await jobforge('runs', 'show', '424242', ...reading);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/RUN_NOT_FOUND/);
    const other = await jobforge(
      'impact',
      'show',
      '--run',
      id,
      '--tenant',
      '0b0b0b0b-0000-4000-8000-00000000000b',
      ...reading,
    );
    expect(other.err).toMatch(/RUN_NOT_FOUND/);
    expect((await jobforge('runs', 'show', 'x.y', ...reading)).err).toMatch(/INVALID_RUN_ID/);

    // A wrong key: the run does not verify, exit 1.
    const wrong = join(dir, 'wrong.pem');
    await writeFileAtomic(wrong, generateSigningKeyPair().publicKeyPem);
    const unverified = await jobforge(
      'impact',
      'show',
      '--run',
      id,
      ...stores,
      '--public-key',
      wrong,
    );
    expect(unverified.code, unverified.err).toBe(1);
    expect(unverified.out).toMatch(/does not verify/);

    process.env.JOBFORGE_RUNS_ENABLED = '0';
    const off = await jobforge('runs', 'show', id, ...reading);
    expect(off.code).toBe(2);
    expect(off.err).toMatch(/FEATURE_DISABLED/);
  }, 120_000);
});
