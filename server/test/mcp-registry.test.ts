import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createQueueClient } from '@jobforge/queue';
import { createRegistryClient } from '@jobforge/registry';
import { createRuntime } from '@jobforge/runtime';
import { generateSigningKeyPair } from '@jobforge/sdk';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterAll, describe, expect, it } from 'vitest';
import { jobforge } from '../../cli/test/run-jobforge.js';
import { createTestDatabase, TENANT_A } from '../../queue/test/helpers.js';
import { registryCatalog } from '../src/mcp/connector-catalog.js';
import { createMcpServer } from '../src/mcp/create-mcp-server.js';

const ROOT = join(import.meta.dirname, '../..');

describe('MCP tools from a signed registry', () => {
  it('runs a published connector, then refuses the version once it is yanked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jobforge-mcp-registry-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const pair = generateSigningKeyPair();
    writeFileSync(join(dir, 'private.pem'), pair.privateKeyPem, { mode: 0o600 });
    cpSync(join(ROOT, 'connectors', 'echo'), join(dir, 'connectors', 'echo'), { recursive: true });
    const out = join(dir, 'registry');
    const built = jobforge([
      'registry',
      'build',
      '--connectors',
      join(dir, 'connectors'),
      '--out',
      out,
      '--key',
      join(dir, 'private.pem'),
    ]);
    expect(built.code, built.stderr).toBe(0);

    const db = await createTestDatabase();
    const runtime = await createRuntime({
      signingKey: pair.privateKeyPem,
      pool: { maxChildren: 1, warm: 0 },
    });
    afterAll(() => runtime.close());
    const connectors = await registryCatalog(
      createRegistryClient({
        registry: out,
        trustedKeys: [pair.publicKeyPem],
        host: { jobforge: '0.1.0' },
        cacheDir: join(dir, 'cache'),
      }),
    );
    const server = createMcpServer({
      queue: createQueueClient(db.driver(), { tenantId: TENANT_A }),
      tenantId: TENANT_A,
      connectors,
      runtime,
      version: 'test',
    });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'test', version: '1' });
    await client.connect(clientSide);

    const ok = await client.callTool({
      name: 'echo__echo_say',
      arguments: { message: 'published' },
    });
    expect(ok.structuredContent).toEqual({ message: 'published', length: 9 });

    const yanked = jobforge([
      'registry',
      'yank',
      'echo@1.0.0',
      '--dir',
      out,
      '--key',
      join(dir, 'private.pem'),
      '--reason',
      'test',
    ]);
    expect(yanked.code, yanked.stderr).toBe(0);
    const refused = await client.callTool({
      name: 'echo__echo_say',
      arguments: { message: 'again' },
    });
    expect(refused.isError).toBe(true);
    const blocks = refused.content as { text: string }[];
    expect(JSON.parse(blocks[blocks.length - 1]!.text)).toMatchObject({
      code: 'NO_MATCHING_VERSION',
    });
    await client.close();
  }, 120_000);
});
