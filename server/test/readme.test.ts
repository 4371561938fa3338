import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../queue/test/helpers.js';

// The README's "Serve the API and MCP" section, run as written. One change: `--port 8080` becomes a
// free port, since the test machine may have 8080 taken.
const ROOT = join(import.meta.dirname, '../..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const section = readme.slice(
  readme.indexOf('## Serve the API and MCP'),
  readme.indexOf('## Layout'),
);
const bash = /```bash\n([\s\S]*?)```/.exec(section)![1]!;
const config = JSON.parse(/```json\n([\s\S]*?)```/.exec(section)![1]!) as {
  mcpServers: { jobforge: { command: string; args: string[] } };
};

describe('README: serve and mcp', () => {
  it('creates a key, serves, and enqueues with curl, as the README shows', async () => {
    const db = await createTestDatabase();
    const port = 18000 + Math.floor(Math.random() * 2000);
    const script = `${bash
      .replace('--port 8080', `--port ${port}`)
      .replaceAll('127.0.0.1:8080', `127.0.0.1:${port}`)
      .replace(
        /^curl /m,
        `for i in $(seq 1 120); do curl -s -o /dev/null http://127.0.0.1:${port}/api/health && break; sleep 0.5; done\ncurl `,
      )}\nkill %1; wait`;
    const child = spawn('bash', ['-c', script], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        PATH: `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    afterAll(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(out).toMatch(/\{"id":"\d+","created":true\}/);
  }, 120_000);

  it('answers an MCP client started from the configuration the README shows', async () => {
    const db = await createTestDatabase();
    const { command, args } = config.mcpServers.jobforge;
    const client = new Client({ name: 'readme', version: '1' });
    await client.connect(
      new StdioClientTransport({
        command,
        args,
        cwd: ROOT,
        env: { ...(process.env as Record<string, string>), DATABASE_URL: db.url },
        stderr: 'pipe',
      }),
    );
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(
        expect.arrayContaining(['echo__echo_say', 'enqueue_job']),
      );
      const result = await client.callTool({
        name: 'echo__echo_say',
        arguments: { message: 'readme' },
      });
      expect(result.structuredContent).toEqual({ message: 'readme', length: 6 });
    } finally {
      await client.close();
    }
  }, 120_000);
});
