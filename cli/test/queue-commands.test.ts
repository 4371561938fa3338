import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMigrations } from '@jobforge/queue';
import {
  generateSigningKeyPair,
  toPublicKey,
  verifyEvidence,
  writeFileAtomic,
} from '@jobforge/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcess } from './in-process.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'cli/bin/jobforge.mjs');

// The queue commands end to end on the embedded database, as a user runs them: in this process
// through main() (a spawned CLI costs seconds each), and once through the real binary.
describe('jobforge db / enqueue / worker / jobs on the embedded database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jobforge-cli-queue-'));
  const dataDir = join(dir, 'queue');
  const pair = generateSigningKeyPair();
  const keyPath = join(dir, 'private.pem');
  const saved = { url: process.env.DATABASE_URL, tenant: process.env.JOBFORGE_TENANT };
  const jobforge = async (...args: string[]) => {
    const r = await inProcess([...args, '--data-dir', dataDir]);
    return { ...r, json: () => JSON.parse(r.out) };
  };
  beforeAll(async () => {
    delete process.env.DATABASE_URL;
    delete process.env.JOBFORGE_TENANT;
    await writeFileAtomic(keyPath, pair.privateKeyPem, { mode: 0o600 });
  });
  afterAll(() => {
    if (saved.url !== undefined) process.env.DATABASE_URL = saved.url;
    if (saved.tenant !== undefined) process.env.JOBFORGE_TENANT = saved.tenant;
    rmSync(dir, { recursive: true, force: true });
  });

  it('migrates, enqueues idempotently, runs connector jobs with signed evidence, and manages dead jobs', async () => {
    const migrated = await jobforge('db', 'migrate', '--json');
    // The embedded database was migrated on open: every migration is present, none left to apply.
    expect(migrated.json()).toMatchObject({
      ok: true,
      applied: [],
      present: (await readMigrations()).map((m) => m.name),
      warnings: [],
    });
    const payload = JSON.stringify({ connector: 'echo', input: { message: 'queued hello' } });
    const enqueue = (...extra: string[]) =>
      jobforge('enqueue', 'connector.run', '--payload', payload, '--json', ...extra);
    const first = (await enqueue('--key', 'order-1', '--trace', 'cli-1')).json();
    const again = (await enqueue('--key', 'order-1')).json();
    expect(again).toMatchObject({ id: first.id, created: false });
    const stray = (await jobforge('enqueue', 'no.such.type', '--payload', '{}', '--json')).json();

    const bad = await jobforge('enqueue', 't', '--payload', '{}', '--tenant', 'acme');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/INVALID_TENANT/);
    expect((await jobforge('enqueue', 't', '--payload', '{nope')).code).toBe(2);

    const worker = await jobforge('worker', '--drain', '--key', keyPath, '--json');
    expect(worker.code).toBe(0);
    expect(worker.json()).toMatchObject({ succeeded: 1, dead: 1 });
    const logLines = worker.err.trim().split('\n');
    expect(logLines.every((line) => typeof JSON.parse(line).msg === 'string')).toBe(true);

    const shown = (await jobforge('jobs', 'show', first.id, '--json')).json();
    expect(shown).toMatchObject({ status: 'succeeded', trace_id: 'cli-1' });
    expect(shown.results[0].result).toEqual({ message: 'queued hello', length: 12 });
    const verified = verifyEvidence(shown.results[0].evidence, toPublicKey(pair.publicKeyPem));
    expect(verified).toMatchObject({ ok: true });

    const dead = (await jobforge('jobs', 'dead', '--json')).json();
    expect(dead.map((j: { id: string }) => j.id)).toEqual([stray.id]);
    expect(dead[0].last_error.code).toBe('UNKNOWN_JOB_TYPE');
    const retried = (await jobforge('jobs', 'retry', stray.id, '--json')).json();
    expect(retried).toMatchObject({ status: 'queued' });
    expect((await jobforge('jobs', 'cancel', stray.id)).out).toMatch(/now canceled/);
    const conflict = await jobforge('jobs', 'cancel', stray.id);
    expect(conflict.code).toBe(1);
    expect(conflict.err).toMatch(/JOB_STATE_CONFLICT/);
    expect((await jobforge('jobs', 'show', '424242')).code).toBe(2);
    expect((await jobforge('jobs', 'list')).out).toMatch(/connector\.run\s+succeeded/);
  }, 120_000);

  it('says clearly, from the real binary, when the database cannot be reached', () => {
    const { DATABASE_URL: _url, ...env } = process.env;
    const r = spawnSync(
      process.execPath,
      [bin, 'jobs', 'list', '--database-url', 'postgres://nobody:secret@127.0.0.1:1/none'],
      { cwd: root, env, encoding: 'utf8' },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/DATABASE_UNREACHABLE/);
    expect(r.stderr).not.toMatch(/secret/);
  });
});
