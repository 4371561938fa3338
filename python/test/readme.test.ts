import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createQueueClient } from '../../queue/src/queue-client.js';
import { createTestDatabase } from '../../queue/test/helpers.js';
import { eventually, PYTHON } from './python.js';

// python/README.md's three blocks, run as written: the enqueue script, tasks.py, the worker command.
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({
  lang: m[1],
  code: m[2]!,
}));
const dir = mkdtempSync(join(tmpdir(), 'jobforge-py-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('python/README.md', () => {
  it('enqueues, then the worker command runs the job to the result the README shows', async () => {
    expect(blocks.map((b) => b.lang)).toEqual(['python', 'python', 'sh']);
    const [enqueue, tasks, command] = blocks as [
      (typeof blocks)[0],
      (typeof blocks)[0],
      (typeof blocks)[0],
    ];
    expect(tasks.code.startsWith('# tasks.py\n')).toBe(true);
    const db = await createTestDatabase();
    const env = {
      ...process.env,
      DATABASE_URL: db.url,
      PYTHONPATH: packageDir,
      PYTHONDONTWRITEBYTECODE: '1',
    };
    writeFileSync(join(dir, 'enqueue.py'), enqueue.code);
    writeFileSync(join(dir, 'tasks.py'), tasks.code);

    const ran = spawnSync(PYTHON, ['enqueue.py'], { cwd: dir, env, encoding: 'utf8' });
    expect(ran.stderr).toBe('');
    const [printed, result] = ran.stdout.trim().split('\n');
    expect(printed).toMatch(/^\{'id': '\d+', 'created': True\}$/);
    expect(result).toBe('None');
    const id = /'id': '(\d+)'/.exec(printed!)![1]!;

    // The command as printed, with this database's URL and Debian's interpreter.
    const line = command.code.trim().replace(/^DATABASE_URL=\S+ python /, `exec ${PYTHON} `);
    const worker = spawn('bash', ['-c', line], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    worker.stderr.on('data', (c) => {
      stderr += c;
    });
    const exited = new Promise<number | null>((resolve) => worker.once('exit', resolve));
    const tenant = /TENANT = "([^"]+)"/.exec(enqueue.code)![1]!;
    const client = createQueueClient(db.driver(), { tenantId: tenant });
    try {
      await eventually(async () => (await client.list({ status: 'succeeded' })).length === 3);
    } finally {
      worker.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    const job = await client.get(id);
    expect(job).toMatchObject({
      status: 'succeeded',
      trace_id: 'req-42',
      idempotency_key: 'resize-a-640',
    });
    expect(job!.results[0]!.result).toEqual({ width: 640 });
    const logs = stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(logs.find((l) => l.msg === 'resizing' && l.job_id === id)).toMatchObject({
      width: 640,
      trace_id: 'req-42',
    });
  }, 60_000);
});
