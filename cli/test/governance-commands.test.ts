import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKeyPair, writeFileAtomic } from '@jobforge/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcess } from './run-in-process.js';

// The governance commands through main(), as a user runs them, on the embedded database.
const FLAGS = ['JOBFORGE_TEMPLATES_ENABLED', 'JOBFORGE_POLICY_ENABLED', 'JOBFORGE_AUDIT_ENABLED'];

describe('jobforge templates / policy / audit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jobforge-cli-gov-'));
  const tenant = '0a0a0a0a-0000-4000-8000-00000000000a';
  const issuer = generateSigningKeyPair();
  const other = generateSigningKeyPair();
  const saved = { url: process.env.DATABASE_URL };
  const db = ['--data-dir', join(dir, 'queue')];
  const jobforge = (...args: string[]) => inProcess(args);
  beforeAll(async () => {
    delete process.env.DATABASE_URL;
    await writeFileAtomic(join(dir, 'issuer.pem'), issuer.privateKeyPem, { mode: 0o600 });
    writeFileSync(join(dir, 'issuer.pub.pem'), issuer.publicKeyPem);
    writeFileSync(join(dir, 'other.pub.pem'), other.publicKeyPem);
  });
  afterAll(() => {
    for (const f of FLAGS) delete process.env[f];
    if (saved.url !== undefined) process.env.DATABASE_URL = saved.url;
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to manage templates while the feature is off, naming the variable', async () => {
    const r = await jobforge('templates', 'list', ...db);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/FEATURE_DISABLED/);
    expect(r.err).toMatch(/JOBFORGE_TEMPLATES_ENABLED/);
  });

  it('adds a pack, refuses a bad file with every problem, enqueues only with a covering token', async () => {
    for (const f of FLAGS) process.env[f] = '1';
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({ $schema: 'x', type: 'Bad Type', effect: 'maybe', payload_schema: {} }),
    );
    const refused = await jobforge('templates', 'add', bad, ...db);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/TEMPLATE_INVALID/);
    expect((await jobforge('templates', 'add', 'governance/packs/settler.json', ...db)).code).toBe(
      0,
    );
    const payload = JSON.stringify({ recipient: 'a', template: 't', url: 'https://example.com/h' });
    const enqueue = (...extra: string[]) =>
      jobforge(
        'enqueue',
        'settler.notification.send',
        '--tenant',
        tenant,
        '--payload',
        payload,
        '--policy-key',
        join(dir, 'issuer.pub.pem'),
        ...db,
        ...extra,
      );
    const denied = await enqueue();
    expect(denied.code).toBe(1);
    expect(denied.err).toMatch(/POLICY_REQUIRED/);
    const issued = await jobforge(
      'policy',
      'issue',
      '--key',
      join(dir, 'issuer.pem'),
      '--tenant',
      tenant,
      '--action',
      'enqueue:settler.notification.*',
      '--subject',
      'agent-9',
    );
    const token = issued.out.trim();
    expect((await enqueue('--token', token)).code).toBe(0);
    const inspect = await jobforge(
      'policy',
      'inspect',
      token,
      '--public-key',
      join(dir, 'other.pub.pem'),
    );
    expect(inspect.code).toBe(1);
    expect(inspect.err).toMatch(/POLICY_KEY_UNKNOWN/);
    const rows = JSON.parse(
      (await jobforge('audit', 'list', '--json', '--tenant', tenant, ...db)).out,
    );
    expect(
      rows.map((r: { action: string; decision: string | null }) => `${r.action}:${r.decision}`),
    ).toEqual(['policy.decision:allowed', 'job.requested:null', 'policy.decision:denied']);
    // Each command opens the embedded database afresh: slow on a loaded machine.
  }, 240_000);
});
