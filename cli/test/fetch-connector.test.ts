import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { serveRegistry } from '@jobforge/registry';
import { createRegistryClient } from '@jobforge/registry/client';
import { createRuntime } from '@jobforge/runtime';
import { generateSigningKeyPair, verifyRunResult } from '@jobforge/sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { buildRegistry } from '../../registry/test/helpers/build-registry.js';
import { tempDir, writeConnector } from '../../registry/test/helpers/connector-tree.js';

const work = tempDir('fetch-connector');
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('client.fetchConnector', () => {
  it('answers what runtime.run accepts as it is, over HTTP, with verifiable evidence', async () => {
    const registryKey = generateSigningKeyPair();
    const hostKey = generateSigningKeyPair();
    writeConnector(join(work, 'connectors'), { id: 'acme', version: '1.2.0' });
    await buildRegistry({
      connectorsDir: join(work, 'connectors'),
      outDir: join(work, 'registry'),
      key: registryKey.privateKeyPem,
    });
    const served = await serveRegistry(join(work, 'registry'), { port: 0 });
    const runtime = await createRuntime({ signingKey: hostKey.privateKeyPem });
    try {
      const client = createRegistryClient({
        registry: served.url,
        trustedKeys: [registryKey.publicKeyPem],
        cacheDir: join(work, 'cache'),
      });
      const ref = await client.fetchConnector('acme@^1');
      expect(ref.artifact.metadata).toMatchObject({ connector_id: 'acme', version: '1.2.0' });
      const result = await runtime.run(ref, { payload: { name: 'Ada' } }, { tenant_id: 't1' });
      expect(result).toMatchObject({ ok: true, data: { greeting: 'hello Ada' } });
      const checked = verifyRunResult(result, [hostKey.publicKeyPem]);
      expect(checked.ok && checked.statement.predicate.connector).toMatchObject({
        id: 'acme',
        version: '1.2.0',
        integrity: ref.artifact.integrity,
      });
    } finally {
      await runtime.close();
      await served.close();
    }
  });
});
