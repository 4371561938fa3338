import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  generateSigningKeyPair,
  toPublicKey,
  verifyEvidence,
  writeFileAtomic,
} from '@jobforge/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'cli/bin/jobforge.mjs');

// The queue commands end to end on the embedded database, as a user runs them.
describe('jobforge db / enqueue / worker / jobs on the embedded database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jobforge-cli-queue-'));
  const dataDir = join(dir, 'queue');
  const pair = generateSigningKeyPair();
  const keyPath = join(dir, 'private.pem');
  const { DATABASE_URL: _url, JOBFORGE_TENANT: _tenant, ...env } = process.env;
  const jobforge = (...args: string[]) => {
    const r = spawnSync(process.execPath, [bin, ...args, '--data-dir', dataDir], {
      cwd: root,
      env,
      encoding: 'utf8',
    });
    return { code: r.status, out: r.stdout, err: r.stderr, json: () => JSON.parse(r.stdout) };
  };
  beforeAll(async () => {
    await writeFileAtomic(keyPath, pair.privateKeyPem, { mode: 0o600 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('migrates, enqueues idempotently, runs connector jobs with signed evidence, and manages dead jobs', () => {
    expect(jobforge('db', 'migrate', '--json').json()).toMatchObject({
      ok: true,
      present: ['0001_schema', '0002_functions'],
    });
    const payload = JSON.stringify({ connector: 'echo', input: { message: 'queued hello' } });
    const first = jobforge(
      'enqueue',
      'connector.run',
      '--payload',
      payload,
      '--key',
      'order-1',
      '--trace',
      'cli-1',
      '--json',
    ).json();
    const again = jobforge(
      'enqueue',
      'connector.run',
      '--payload',
      payload,
      '--key',
      'order-1',
      '--json',
    ).json();
    expect(again).toMatchObject({ id: first.id, created: false });
    const stray = jobforge('enqueue', 'no.such.type', '--payload', '{}', '--json').json();

    const bad = jobforge('enqueue', 't', '--payload', '{}', '--tenant', 'acme');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/INVALID_TENANT/);
    expect(jobforge('enqueue', 't', '--payload', '{nope').code).toBe(2);

    const worker = jobforge('worker', '--drain', '--key', keyPath, '--json');
    expect(worker.code).toBe(0);
    expect(worker.json()).toMatchObject({ succeeded: 1, dead: 1 });
    expect(
      worker.err
        .trim()
        .split('\n')
        .every((line) => typeof JSON.parse(line).msg === 'string'),
    ).toBe(true);

    const shown = jobforge('jobs', 'show', first.id, '--json').json();
    expect(shown).toMatchObject({ status: 'succeeded', trace_id: 'cli-1' });
    expect(shown.results[0].result).toEqual({ message: 'queued hello', length: 12 });
    expect(verifyEvidence(shown.results[0].evidence, toPublicKey(pair.publicKeyPem))).toMatchObject(
      { ok: true },
    );

    const dead = jobforge('jobs', 'dead', '--json').json();
    expect(dead.map((j: { id: string }) => j.id)).toEqual([stray.id]);
    expect(dead[0].last_error.code).toBe('UNKNOWN_JOB_TYPE');
    expect(jobforge('jobs', 'retry', stray.id, '--json').json()).toMatchObject({
      status: 'queued',
    });
    expect(jobforge('jobs', 'cancel', stray.id).out).toMatch(/now canceled/);
    const conflict = jobforge('jobs', 'cancel', stray.id);
    expect(conflict.code).toBe(1);
    expect(conflict.err).toMatch(/JOB_STATE_CONFLICT/);
    expect(jobforge('jobs', 'show', '424242').code).toBe(2);
    expect(jobforge('jobs', 'list').out).toMatch(/connector\.run\s+succeeded/);
  }, 120_000);

  it('says clearly when the database cannot be reached', () => {
    const r = jobforge(
      'jobs',
      'list',
      '--database-url',
      'postgres://nobody:secret@127.0.0.1:1/none',
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/DATABASE_UNREACHABLE/);
    expect(r.err).not.toMatch(/secret/);
  });
});
