import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createApiClient } from '@jobforge/sdk/api';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../queue/test/helpers.js';
import { jobforge, ROOT } from './run-jobforge.js';

const TENANT = '0c0c0c0c-0000-4000-8000-00000000000c';

describe('jobforge apikeys and jobforge serve, from the real binary', () => {
  it('creates a key, serves the API with it, revokes it, and stops on SIGTERM', async () => {
    const db = await createTestDatabase();
    const dbArgs = ['--database-url', db.url];
    const created = jobforge([
      'apikeys',
      'create',
      '--tenant',
      TENANT,
      '--name',
      'cli test',
      '--json',
      ...dbArgs,
    ]);
    expect(created.code, created.stderr).toBe(0);
    const { key, prefix } = JSON.parse(created.stdout) as { key: string; prefix: string };
    expect(key).toMatch(/^jf_[0-9a-f]{12}_/);

    const listed = jobforge(['apikeys', 'list', '--tenant', TENANT, ...dbArgs]);
    expect(listed.stdout).toContain(`${prefix}  active`);
    expect(listed.stdout).not.toContain(key);

    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'cli/bin/jobforge.mjs'),
        'serve',
        '--port',
        '0',
        '--json',
        '--log-level',
        'warn',
        ...dbArgs,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    afterAll(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    await expect.poll(() => out.includes('\n'), { timeout: 30_000 }).toBe(true);
    const { url } = JSON.parse(out.split('\n')[0]!) as { url: string };

    const api = createApiClient({ baseUrl: url, apiKey: key });
    const { status, data } = await api.enqueueJob({
      body: { type: 'cli.serve', payload: { n: 1 } },
    });
    expect(status).toBe(201);
    expect((await api.getJob({ params: { id: data.id } })).data.tenant_id).toBe(TENANT);

    const revoked = jobforge(['apikeys', 'revoke', prefix, ...dbArgs]);
    expect(revoked.code, revoked.stderr).toBe(0);
    // A looked-up key is remembered for at most 2 s.
    await expect
      .poll(
        async () =>
          (await fetch(`${url}/v1/jobs`, { headers: { authorization: `Bearer ${key}` } })).status,
        {
          timeout: 10_000,
        },
      )
      .toBe(401);
    const unknown = jobforge(['apikeys', 'revoke', 'ffffffffffff', ...dbArgs]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('API_KEY_NOT_FOUND');

    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  }, 120_000);

  it('refuses to start, before opening anything, when JOBFORGE_API_ENABLED or JOBFORGE_MCP_ENABLED is off', () => {
    for (const [command, variable] of [
      ['serve', 'JOBFORGE_API_ENABLED'],
      ['mcp', 'JOBFORGE_MCP_ENABLED'],
    ] as const) {
      const run = spawnSync(process.execPath, [join(ROOT, 'cli/bin/jobforge.mjs'), command], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', [variable]: '0' },
      });
      expect(run.status, run.stderr).toBe(2);
      expect(run.stderr).toContain(`[FEATURE_DISABLED]`);
      expect(run.stderr).toContain(`where: ${variable}`);
      // Nothing was loaded first: no notice about keys or connectors precedes the refusal.
      expect(run.stderr.trim().split('\n')[0]).toMatch(/^jobforge: .* will not start/);
    }
  });
});
