import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildChildRunner } from '../src/build-child-runner.js';
import { defaultCacheDir } from '../src/cache-dir.js';
import { ChildPool } from '../src/child-pool.js';
import { detectIsolation, type Isolation } from '../src/isolation.js';
import { prepareConnectorDir } from '../src/prepare-connector.js';
import { privateTmpRoot } from '../src/sandbox/private-tmp.js';
import { type ChildOutcome, type ChildSpec, SandboxChild } from '../src/sandbox-child.js';
import { HOSTILE } from './helpers.js';

// Each child's private temp folder, on real children: where a Unix socket a connector binds lands
// (the in-child guard is switched off here, as if a bind had got past it: the folder and the mount
// namespace must hold on their own), who else can reach it, and that it is gone once the child is.
const root = process.getuid?.() === 0;
/**
 * A node binary the second user (uid 65534) can run: this test's own Node may sit in a 0700 temp
 * folder (CI installs its second Node version that way), so system binaries are tried too.
 */
const nobodyNode = root
  ? [process.execPath, '/usr/bin/node', '/usr/local/bin/node'].find(
      (file) =>
        spawnSync(file, ['-e', '0'], { uid: 65534, gid: 65534, timeout: 10_000 }).status === 0,
    )
  : undefined;
const auto = detectIsolation('auto');
const cacheDir = defaultCacheDir();
const runner = await buildChildRunner(cacheDir);
const connector = await prepareConnectorDir(join(HOSTILE, 'unix-socket-tmp'), cacheDir);
const source = readFileSync(connector.bundlePath, 'utf8');
const scratch = mkdtempSync(join(tmpdir(), 'jobforge-private-tmp-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function spec(isolation: Isolation, withoutNetworkGuard: boolean): Omit<ChildSpec, 'uidSlot'> {
  return {
    isolation,
    runnerPath: runner.path,
    heapMb: 64,
    maxFrameBytes: 1024 * 1024,
    rssLimitBytes: 512 * 1024 * 1024,
    withoutNetworkGuard,
  };
}

async function bindSockets(child: SandboxChild, name: string): Promise<ChildOutcome> {
  await child.ready();
  await child.load(source, connector.integrity, 10_000);
  return callBind(child, name);
}

/** One call of the loaded unix-socket-tmp connector: binds and keeps both sockets, reports each. */
function callBind(child: SandboxChild, name: string): Promise<ChildOutcome> {
  return child.call(
    {
      t: 'call',
      id: 1,
      params: {
        config: {},
        input: { operation: 'hostile.run', payload: { name, keep: true, catch: true } },
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
}

function dataOf(outcome: ChildOutcome): { tmpdir: string; bound: Record<string, string> } {
  if (outcome.kind !== 'result') throw new Error(`the call failed: ${outcome.message}`);
  return (outcome.outcome as { data: { tmpdir: string; bound: Record<string, string> } }).data;
}

/** What a second local user (nobody) gets trying to list a folder and to talk to each socket. */
function asNobody(paths: string[], dir: string): string[] {
  const script = `
    const net = require('node:net'); const fs = require('node:fs');
    const out = [];
    try { fs.readdirSync(${JSON.stringify(dir)}); out.push('listed'); } catch (e) { out.push(e.code); }
    let left = ${paths.length};
    if (left === 0) console.log(out.join(' '));
    for (const p of ${JSON.stringify(paths)}) {
      const s = net.connect(p);
      s.on('data', () => { out.push('talked'); s.destroy(); if (--left === 0) console.log(out.join(' ')); });
      s.on('error', (e) => { out.push(e.code); if (--left === 0) console.log(out.join(' ')); });
    }`;
  const run = spawnSync(nobodyNode!, ['-e', script], {
    uid: 65534,
    gid: 65534,
    encoding: 'utf8',
    timeout: 10_000,
  });
  return run.stdout.trim().split(' ');
}

function talk(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    socket.on('data', (data) => {
      resolve(String(data).trim());
      socket.destroy();
    });
    socket.on('error', reject);
  });
}

async function waitGone(path: string): Promise<boolean> {
  for (let i = 0; i < 100 && existsSync(path); i++) await new Promise((r) => setTimeout(r, 20));
  return !existsSync(path);
}

describe.skipIf(auto.tmp !== 'mount-namespace')('a mount namespace with a private /tmp', () => {
  it('puts every socket the child binds in its own folder, out of reach of other users', async () => {
    const child = new SandboxChild({ ...spec(auto, true), uidSlot: 4343 });
    const name = `jobforge-private-${process.pid}.sock`;
    try {
      const { tmpdir: childTmp, bound } = dataOf(await bindSockets(child, name));
      // Both binds succeeded inside the child: os.tmpdir() and /tmp are its own folder.
      expect(childTmp).toBe('/tmp');
      expect(Object.values(bound)).toEqual(['bound', 'bound']);
      expect(existsSync(`/tmp/${name}`)).toBe(false);
      expect(readdirSync(child.tmpDir).sort()).toEqual(
        expect.arrayContaining([name, `tmpdir-${name}`]),
      );
      const inFolder = join(child.tmpDir, name);
      // The socket is live: root on the host talks to it through the folder...
      expect(await talk(inFolder)).toBe('hello from the sandbox');
      // ...and a second user reaches neither the folder nor the name the child used.
      if (nobodyNode)
        expect(asNobody([inFolder, `/tmp/${name}`], child.tmpDir)).toEqual([
          'EACCES',
          expect.stringMatching(/EACCES|ENOENT/),
          expect.stringMatching(/EACCES|ENOENT/),
        ]);
    } finally {
      child.kill();
      await child.exited;
    }
    expect(existsSync(child.tmpDir)).toBe(false);
  });
});

describe('a private temp folder per child', () => {
  it('is the child TMPDIR; with the guard a socket is refused in it and in /tmp', async () => {
    const child = new SandboxChild({ ...spec(detectIsolation('guard'), false), uidSlot: 4344 });
    const name = `jobforge-guarded-${process.pid}.sock`;
    try {
      const { tmpdir: childTmp, bound } = dataOf(await bindSockets(child, name));
      expect(childTmp).toBe(child.tmpDir);
      expect(Object.values(bound)).toEqual(['NETWORK_DENIED', 'NETWORK_DENIED']);
      expect(existsSync(`/tmp/${name}`)).toBe(false);
      expect(readdirSync(child.tmpDir)).toEqual([]);
    } finally {
      child.kill();
      await child.exited;
    }
  });

  it.skipIf(!nobodyNode)(
    'is 0700 and owned by the child uid, under a root nobody can list',
    async () => {
      const child = new SandboxChild({ ...spec(detectIsolation('guard'), false), uidSlot: 4345 });
      try {
        await child.ready();
        const stat = statSync(child.tmpDir);
        expect(stat.mode & 0o777).toBe(0o700);
        expect(stat.uid).toBe(1_950_000_000 + 4345);
        expect(asNobody([], privateTmpRoot())).toEqual(['EACCES']);
      } finally {
        child.kill();
        await child.exited;
      }
    },
  );

  it('is removed after SIGKILL, without following a symbolic link planted in it', async () => {
    const child = new SandboxChild({ ...spec(auto, false), uidSlot: 4346 });
    const outside = join(scratch, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'keep.txt'), 'host file');
    await child.ready();
    writeFileSync(join(child.tmpDir, 'left-behind.txt'), 'x');
    symlinkSync(outside, join(child.tmpDir, 'link'));
    child.process.kill('SIGKILL');
    await child.exited;
    expect(existsSync(child.tmpDir)).toBe(false);
    expect(readFileSync(join(outside, 'keep.txt'), 'utf8')).toBe('host file');
  });

  it('is removed, with what the child left in it, when the pool recycles the child and on close', async () => {
    const pool = new ChildPool(spec(auto, true), {
      maxChildren: 2,
      warm: 1,
      maxCallsPerChild: 10,
      idleMs: 60_000,
      startTimeoutMs: 10_000,
    });
    const child = await pool.acquire('k', source, connector.integrity, performance.now() + 10_000);
    const name = `jobforge-recycled-${process.pid}.sock`;
    const { bound } = dataOf(await callBind(child, name));
    // The socket named by os.tmpdir() is in the folder in either mode (the other is there too
    // with a mount namespace).
    expect(bound[join(child.tmpDir, `tmpdir-${name}`)] ?? bound[`/tmp/tmpdir-${name}`]).toBe(
      'bound',
    );
    expect(readdirSync(child.tmpDir)).toContain(`tmpdir-${name}`);
    pool.release(child, false);
    expect(await waitGone(child.tmpDir)).toBe(true);
    // Without a mount namespace (and with the guard off) the bind at /tmp/<name> reached the host's.
    if (auto.tmp !== 'mount-namespace') rmSync(`/tmp/${name}`, { force: true });
    const spare = await pool.acquire('k', source, connector.integrity, performance.now() + 10_000);
    await pool.close();
    expect(existsSync(spare.tmpDir)).toBe(false);
  });

  it('sweeps the folders of hosts that are gone when a pool starts', async () => {
    const tmpRoot = join(scratch, 'root');
    mkdirSync(tmpRoot, { mode: 0o700 });
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], {
      encoding: 'utf8',
    });
    const stale = join(tmpRoot, `child-${dead.stdout.trim()}-abc123`);
    const alive = join(tmpRoot, 'child-1-def456');
    for (const dir of [stale, alive]) {
      mkdirSync(dir);
      writeFileSync(join(dir, 'x.sock'), '');
    }
    const pool = new ChildPool(
      { ...spec(auto, false), tmpRoot },
      { maxChildren: 1, warm: 0, maxCallsPerChild: 1, idleMs: 1000, startTimeoutMs: 10_000 },
    );
    await pool.close();
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(alive)).toBe(true);
  });
});
