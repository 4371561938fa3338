import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChildRunner } from '../src/build-child-runner.js';
import { defaultCacheDir } from '../src/cache-dir.js';
import { detectIsolation, type Isolation } from '../src/isolation.js';
import { prepareConnectorDir } from '../src/prepare-connector.js';
import { type ChildOutcome, SandboxChild } from '../src/sandbox-child.js';
import { HOSTILE, startServer } from './helpers.js';

// The namespace must hold on its own: with the in-child guard switched off, the raw-net connector
// must still not reach a server on the host's loopback. The same child without a namespace does
// reach it, which shows the test can tell the difference.
let server: { server: Server; port: number };
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => {
  server.server.close();
});

async function rawConnect(isolation: Isolation): Promise<ChildOutcome> {
  const cacheDir = defaultCacheDir();
  const runner = await buildChildRunner(cacheDir);
  const connector = await prepareConnectorDir(join(HOSTILE, 'raw-net'), cacheDir);
  const child = new SandboxChild({
    isolation,
    uidSlot: 4242,
    runnerPath: runner.path,
    heapMb: 64,
    maxFrameBytes: 1024 * 1024,
    rssLimitBytes: 512 * 1024 * 1024,
    withoutNetworkGuard: true,
  });
  try {
    await child.ready();
    await child.load(readFileSync(connector.bundlePath, 'utf8'), connector.integrity, 10_000);
    return await child.call(
      {
        t: 'call',
        id: 1,
        params: {
          config: {},
          input: { operation: 'hostile.run', payload: { port: server.port } },
          context: { secrets: {} },
        },
        timeoutMs: 5000,
        maxOutputBytes: 1024 * 1024,
      },
      {
        timeoutMs: 5000,
        deadlineMs: 6000,
        onFetch: async () => ({ ok: false, code: 'X', message: 'x' }),
        onLog() {},
      },
    );
  } finally {
    child.kill();
  }
}

describe('network namespace', () => {
  const isolation = detectIsolation('auto');

  it.skipIf(isolation.network !== 'namespace')(
    'leaves a child with no route even without the guard',
    async () => {
      const outcome = await rawConnect(isolation);
      expect(outcome).toMatchObject({ kind: 'result', error: { code: 'CONNECTOR_THREW' } });
      expect(outcome.kind === 'result' && outcome.error?.message).toMatch(
        /ENETUNREACH|ECONNREFUSED/,
      );
    },
  );

  it('is what stops it: without namespace and guard the same child connects', async () => {
    const outcome = await rawConnect(detectIsolation('guard'));
    expect(outcome).toMatchObject({ kind: 'result', outcome: { ok: true, data: 'connected' } });
  });
});
