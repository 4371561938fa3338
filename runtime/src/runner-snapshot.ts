import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { privateDirProblem } from '@jobforge/sdk';
import { bundleChild } from './build-child-runner.js';

/** Builtins the runner uses, loaded into the snapshot so a child does not load them at start. */
const PRELOAD = ['node:crypto', 'node:net', 'node:dgram', 'node:dns', 'node:os', 'node:stream'];
const BUILD_TIMEOUT_MS = 60_000;

/** A startup snapshot of the child runner: where it is, or how it is being made. */
export interface RunnerSnapshot {
  /** The blob, when it is ready (cached or built); undefined while it is built or if it cannot be. */
  readonly path: string | undefined;
  /** Resolves once the cache is looked at: the path of a cached blob, or undefined. */
  readonly cached: Promise<string | undefined>;
  /** Settles when the build ends; resolves with the path, or undefined when there is no snapshot. */
  readonly ready: Promise<string | undefined>;
  /** Stops a build still running (the runtime closes); a later runtime starts it again. */
  cancel(): void;
}

/**
 * Whether this Node can start the runner from a startup snapshot: `--build-snapshot`, a way to
 * import the connector bundle from the snapshot's main function, and `process.getBuiltinModule`.
 */
export function snapshotSupported(): boolean {
  const vm = process.getBuiltinModule?.('node:vm');
  const v8 = process.getBuiltinModule?.('node:v8');
  return (
    vm?.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER !== undefined &&
    typeof v8?.startupSnapshot?.setDeserializeMainFunction === 'function'
  );
}

/**
 * The runner's startup snapshot for this Node binary, built on first use and cached in the
 * runtime's private cache folder under a hash of the runner's source, the Node version, platform
 * and binary. A blob is trusted only from a folder nobody else can write (the CACHE_UNSAFE check)
 * and only if it is a regular file of this user that nobody else can write; a new one is built,
 * started once to prove it answers, and only then renamed into place. Any failure leaves the
 * runtime on the plain runner script: the snapshot only makes children start sooner.
 */
export function runnerSnapshot(cacheDir: string, heapMb: number): RunnerSnapshot {
  // V8 refuses a snapshot built under other heap flags, so it is built with the children's own.
  const heap = `--max-old-space-size=${heapMb}`;
  let path: string | undefined;
  let building: ChildProcess | undefined;
  let cancelled = false;
  const run = (args: string[], cwd: string, fd3: boolean): Promise<boolean> =>
    new Promise((resolve) => {
      if (cancelled) return resolve(false);
      const child = spawn(process.execPath, args, {
        cwd,
        env: {},
        stdio: ['ignore', 'ignore', 'ignore', fd3 ? 'pipe' : 'ignore'],
        timeout: BUILD_TIMEOUT_MS,
      });
      building = child;
      // A build never keeps the host process alive.
      child.unref();
      let answered = false;
      if (fd3) {
        const channel = child.stdio[3] as NodeJS.ReadableStream & { unref?: () => void };
        channel.unref?.();
        channel.on('data', (chunk: Buffer) => {
          if (chunk.toString('utf8').startsWith('{"t":"ready"')) {
            answered = true;
            child.kill('SIGKILL');
          }
        });
      }
      child.on('error', () => resolve(false));
      child.on('close', (code) => {
        building = undefined;
        resolve(fd3 ? answered : code === 0);
      });
    });
  const located = (async () => {
    if (!snapshotSupported() || privateDirProblem(cacheDir) !== undefined) return undefined;
    const script = await snapshotScript();
    const key = createHash('sha256')
      .update(`${process.version}\0${process.platform}\0${process.arch}\0${process.execPath}\0`)
      .update(`${heap}\0`)
      .update(script)
      .digest('hex')
      .slice(0, 32);
    const target = join(cacheDir, `runner-${key}.blob`);
    if (trustedFile(target)) path = target;
    return { script, target };
  })();
  const cached = located.then(
    () => path,
    () => undefined,
  );
  const ready = (async (): Promise<string | undefined> => {
    const found = await located;
    if (!found || path) return path;
    const { script, target } = found;
    const work = mkdtempSync(join(cacheDir, 'snapshot-'));
    try {
      writeFileSync(join(work, 'runner.cjs'), script, { mode: 0o600 });
      const blob = join(work, 'runner.blob');
      const built = await run(
        [heap, '--snapshot-blob', blob, '--build-snapshot', 'runner.cjs'],
        work,
        false,
      );
      // Started once, as children are (permission model, no addons), it must say it is ready.
      const flag =
        Number(process.versions.node.split('.')[0]) >= 22
          ? '--permission'
          : '--experimental-permission';
      if (
        !built ||
        !(await run(
          [flag, '--no-addons', '--no-warnings', heap, '--snapshot-blob', blob, 'runner'],
          work,
          true,
        ))
      )
        return undefined;
      chmodSync(blob, 0o644);
      renameSync(blob, target);
      path = target;
      return target;
    } catch {
      return undefined;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  })();
  ready.catch(() => {});
  return {
    get path() {
      return path;
    },
    cached,
    ready,
    cancel() {
      cancelled = true;
      building?.kill('SIGKILL');
    },
  };
}

/** A regular file of this user that nobody else can write (not a link that could point anywhere). */
function trustedFile(file: string): boolean {
  try {
    const stat = lstatSync(file);
    return (
      stat.isFile() &&
      (process.getuid === undefined || stat.uid === process.getuid()) &&
      (stat.mode & 0o022) === 0
    );
  } catch {
    return false;
  }
}

/**
 * The snapshot's builder script: it loads the builtins the runner needs (that work is what the
 * snapshot saves a child) and makes the runner, bundled as a function body, the main function a
 * child runs after the snapshot is deserialised. Nothing of the runner runs at build time.
 */
let script: Promise<string> | undefined;
function snapshotScript(): Promise<string> {
  script ??= bundleScript();
  script.catch(() => {
    script = undefined;
  });
  return script;
}

async function bundleScript(): Promise<string> {
  const runner = Buffer.from(await bundleChild('cjs')).toString('utf8');
  return [
    "'use strict';",
    ...PRELOAD.map((id) => `require(${JSON.stringify(id)});`),
    "require('node:v8').startupSnapshot.setDeserializeMainFunction(() => {",
    runner,
    '});',
    '',
  ].join('\n');
}
