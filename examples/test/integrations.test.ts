import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createPgliteDriver } from '@jobforge/queue';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
const tsx = join(root, 'node_modules/.bin/tsx');
const example = (name: string, ...args: string[]) =>
  run(
    tsx,
    [
      '--conditions=@jobforge/source',
      join(root, 'examples/integrations', name, 'index.ts'),
      ...args,
    ],
    {
      cwd: root,
      timeout: 200_000,
    },
  );
const jobforge = (args: string[]) =>
  run(process.execPath, [join(root, 'cli/bin/jobforge.mjs'), ...args], {
    cwd: root,
    timeout: 200_000,
    env: { ...process.env, JOBFORGE_AUDIT_ENABLED: '1' },
  }).then(
    (r) => ({ code: 0, out: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
  );

// Every example is a real program: run as a user would, in its own process.
describe('examples/integrations', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jobforge-examples-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Each starts its own embedded database: slow on a loaded machine, so they run side by side.
  it.concurrent.each([
    ['settler', 'settler.notification.send', 'write', 202],
    ['readylayer', 'readylayer.cache.purge', 'write', 200],
    ['aias', 'aias.agent.execute', 'write', 200],
    ['truthcore', 'truthcore.claim.verify', 'read', 200],
  ])(
    '%s installs its pack, runs %s through a reference connector, audits it',
    async (name, type, effect, status) => {
      const { stdout } = await example(name);
      const summary = JSON.parse(stdout);
      expect(summary).toMatchObject({
        type,
        effect,
        status: 'succeeded',
        result: { status },
        audit: { ok: true },
      });
      // A write job leaves its request and the allowed policy decision; a read job only the request.
      expect(summary.audit.rows).toBe(effect === 'write' ? 2 : 1);
    },
    240_000,
  );

  it('the agent example: refused without a token, runs with one; audit verify passes, then names an altered row', async () => {
    const { stdout } = await example('agent', dir);
    expect(stdout).toMatch(/without a token: refused \(POLICY_REQUIRED/);
    expect(stdout).toMatch(/job 1: succeeded; the service received 1 delivery/);
    expect(stdout).toMatch(
      /evidence signed by the host: true; grant \["enqueue:settler.notification.send"\] from alice@ops/,
    );
    expect(stdout).toMatch(/audit #1 agent-7 policy.decision denied/);
    expect(stdout).toMatch(/audit #3 agent-7 policy.decision allowed job:1/);
    const verify = [
      'audit',
      'verify',
      '--data-dir',
      join(dir, 'queue'),
      '--public-key',
      join(dir, 'host-public.pem'),
    ];
    expect(await jobforge(verify)).toMatchObject({ code: 0 });
    // A superuser edits the denial into an approval, straight in the table.
    const db = await createPgliteDriver({ dataDir: join(dir, 'queue') });
    await db.query(
      'alter table jobforge.jobforge_audit_log disable trigger jobforge_audit_log_append_only',
    );
    await db.query(
      `update jobforge.jobforge_audit_log set decision = 'allowed' where seq = 1 and action = 'policy.decision'`,
    );
    await db.close();
    const after = await jobforge(verify);
    expect(after.code).toBe(1);
    expect(after.out).toMatch(/AUDIT_ROW_ALTERED \S+ row 1: row 1 does not match its hash/);
  }, 240_000);
});
