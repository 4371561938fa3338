import { type ChildProcess, spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { createFrameReader } from './child/frame-codec.js';
import type { EgressAnswer, EgressRequest } from './child/proxied-fetch.js';
import { type ChildFrame, type ChildFrames, parseChildFrame } from './frames/child-frames.js';
import { type Isolation, USERNS_ARGS } from './isolation.js';
import { ProcStat } from './proc-stat.js';
import {
  createPrivateTmp,
  privateTmpRoot,
  removePrivateTmp,
  sandboxLaunch,
} from './sandbox/private-tmp.js';

export interface ChildSpec {
  isolation: Isolation;
  /** Index into the sandbox uid range; each live child has its own. */
  uidSlot: number;
  runnerPath: string;
  /** The runner's startup snapshot (runner-snapshot.ts): the child starts from it, not the script. */
  snapshotPath?: string;
  heapMb: number;
  /** Largest frame the host accepts from this child. */
  maxFrameBytes: number;
  /** Total memory cap: past it, at any moment of the child's life (idle too), it is killed. */
  rssLimitBytes: number;
  /** Where the child's private temp folder is made (sandbox/private-tmp.ts); the pool passes its own. */
  tmpRoot?: string;
  /**
   * Internal, for tests only: start without the in-child network guard, to prove the namespace
   * holds on its own. The runtime never sets it.
   */
  withoutNetworkGuard?: boolean;
}

/** What the child reported for a call (still untrusted), or a fault the host observed. */
export type ChildOutcome =
  | {
      kind: 'result';
      outcome?: unknown;
      error?: { code: string; message: string };
      denials: ChildFrames['result']['denials'];
      tainted?: boolean;
    }
  | { kind: 'fault'; code: string; message: string };

export interface CallHooks {
  /** The connector's timeout, as reported in a TIMEOUT message. */
  timeoutMs: number;
  /** When the host kills the child: the timeout plus a grace for the child's own abort. */
  deadlineMs: number;
  /** `frameBytes`: what the request's frame holds in the host, to count against the call's budget. */
  onFetch(request: EgressRequest, frameBytes: number): Promise<EgressAnswer>;
  onLog(level: string, message: string, fields: unknown): void;
  /** One chunk of `context.artifacts.put`; the answer goes back as an `artifact-result`. */
  onArtifact?(frame: ChildFrames['artifact']): Promise<unknown>;
}

const WATCH_MS = 20;
/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;
/**
 * CPU one idle period may use before the child is ended: V8's background threads (concurrent GC,
 * compilation) finish their work after a call, so a little is the runtime's own housekeeping.
 */
export const IDLE_CPU_LIMIT_MS = 200;
/** How often the watchdog reads an idle child's CPU time, in watchdog rounds. */
const CPU_EVERY = 10;

/**
 * One sandbox process: spawned with the permission model, no environment, its own uid and (where
 * possible) an empty network namespace; spoken to only through JSON frames on fd 3. Every way a
 * call can end badly (deadline, memory, oversize frame, exit) ends in SIGKILL and a fault.
 */
export class SandboxChild {
  readonly process: ChildProcess;
  readonly uidSlot: number;
  /** The child's private temp folder on the host (its /tmp, or its TMPDIR); removed once it exits. */
  readonly tmpDir: string;
  /** Resolves once the process has exited and its temp folder is gone. */
  readonly exited: Promise<void>;
  calls = 0;
  /** When the child last went back to the pool (performance.now()). */
  idleSince = 0;
  /** The connector integrity and tenant this child is bound to, once loaded. */
  boundTo: string | undefined;
  dead = false;
  #channel: Socket;
  #waiting: ((frame: ChildFrame) => void) | undefined;
  #onFault: ((code: string, message: string) => void) | undefined;
  #ready: Promise<void>;
  #hooks: CallHooks | undefined;
  /** The one frame the host is waiting for (type and id); any other frame is a violation. */
  #expect: { t: string; id?: number } | undefined = { t: 'ready' };
  #watchdogFired = false;
  /** The highest resident memory the watchdog saw: what the host measured, not what the child said. */
  #peakRss = 0;
  /** CPU ticks when the child last went idle; undefined while it is busy or before its first call. */
  #idleTicks: number | undefined;
  /** Went idle, and the watchdog's next round takes the CPU reading the idle period starts from. */
  #idlePending = false;
  #round = 0;
  /** CPU time the child used while idle in the pool, as the host measured it (its whole life). */
  idleCpuMs = 0;
  /** The same, in the current idle period only: the limit applies per period. */
  #periodCpuMs = 0;
  readonly #watchdog: NodeJS.Timeout;
  #proc: ProcStat | undefined;
  readonly #rssLimitBytes: number;
  readonly #heapBytes: number;

  constructor(spec: ChildSpec) {
    const { isolation } = spec;
    const nodeArgs = [
      isolation.permissionFlag,
      `--allow-fs-read=${spec.runnerPath}`,
      '--no-addons',
      '--no-warnings',
      `--max-old-space-size=${spec.heapMb}`,
      // From a snapshot the runner path is only argv[1] (not read): what follows stays the runner's.
      ...(spec.snapshotPath ? ['--snapshot-blob', spec.snapshotPath] : []),
      spec.runnerPath,
      ...(spec.withoutNetworkGuard ? ['--without-network-guard'] : []),
    ];
    const id = isolation.uidBase === null ? null : isolation.uidBase + spec.uidSlot;
    // stderr is not read: nothing the child prints may decide how its end is classified.
    const stdio: ('ignore' | 'pipe')[] = ['ignore', 'ignore', 'ignore', 'pipe'];
    // The runner drops to the sandbox uid itself, as its first act: the node binary and the runner
    // may sit where only root can reach them (a 0700 temp folder), so exec happens as root.
    if (id !== null) nodeArgs.push(`--sandbox-uid=${id}`);
    this.tmpDir = createPrivateTmp(spec.tmpRoot ?? privateTmpRoot(), id);
    const launch = sandboxLaunch(
      isolation.network !== 'namespace' ? null : id !== null ? ['-n'] : USERNS_ARGS,
      isolation.tmp === 'mount-namespace',
      this.tmpDir,
      spec.runnerPath,
      [process.execPath, ...nodeArgs],
    );
    this.process = spawn(launch.file, launch.args, { env: launch.env, cwd: '/', stdio });
    this.exited = new Promise((resolve) =>
      this.process.once('close', () => {
        removePrivateTmp(this.tmpDir);
        resolve();
      }),
    );
    this.uidSlot = spec.uidSlot;
    this.#rssLimitBytes = spec.rssLimitBytes;
    this.#heapBytes = spec.heapMb * 1024 * 1024;
    this.#channel = this.process.stdio[3] as Socket;
    const reader = createFrameReader(
      spec.maxFrameBytes,
      (text) => this.#onFrameSafely(text),
      (bytes) =>
        this.#fault(
          'OUTPUT_TOO_LARGE',
          `the sandbox sent a message of more than ${bytes} bytes; the host's cap is ${spec.maxFrameBytes}`,
        ),
    );
    this.#channel.on('data', (chunk: Buffer) => reader.push(chunk));
    this.#channel.on('error', () => {});
    this.#ready = new Promise((resolve, reject) => {
      this.#waiting = () => resolve();
      this.#onFault = (_code, message) => reject(new Error(message));
    });
    this.process.on('error', (error) => {
      removePrivateTmp(this.tmpDir);
      this.#fault('SANDBOX_UNAVAILABLE', `could not start the sandbox: ${error.message}`);
    });
    this.process.on('close', (code, signal) => {
      clearInterval(this.#watchdog);
      this.#proc?.close();
      this.#onExit(code, signal);
    });
    // Memory is watched for the child's whole life, from spawn to exit: idle between calls too,
    // where a timer the connector left behind could otherwise grow it unseen.
    this.#watchdog = setInterval(() => {
      if (this.dead) return;
      this.#proc ??= new ProcStat(this.process.pid);
      const { rssBytes: rss, cpuTicks } = this.#proc.sample();
      if (rss > this.#peakRss) this.#peakRss = rss;
      if (this.#idlePending) {
        this.#idlePending = false;
        this.#idleTicks = cpuTicks;
      } else if (this.#idleTicks !== undefined && ++this.#round % CPU_EVERY === 0)
        this.#checkIdleCpu();
      if (rss > this.#rssLimitBytes) {
        this.#watchdogFired = true;
        this.#fault(
          'RESOURCE_EXHAUSTED',
          `the sandbox used ${Math.round(rss / 1048576)} MB, over its ${Math.round(this.#rssLimitBytes / 1048576)} MB memory cap`,
        );
      }
    }, WATCH_MS);
    this.#watchdog.unref();
  }

  /** Resolves when the child's runner is up and listening. */
  ready(): Promise<void> {
    return this.#ready;
  }

  /** Hands the child a bundle's source; it checks the integrity itself before importing it. */
  async load(source: string, integrity: string, deadlineMs: number): Promise<void> {
    const answer = await this.#request(
      { t: 'load', id: 0, source, integrity },
      deadlineMs,
      deadlineMs,
      {
        t: 'loaded',
        id: 0,
      },
    );
    if (answer.kind === 'fault')
      throw Object.assign(new Error(answer.message), { code: answer.code });
    const loaded = answer.frame as ChildFrames['loaded'];
    if (!loaded.ok) throw new Error(loaded.message ?? 'load failed');
  }

  async call(frame: Record<string, unknown>, hooks: CallHooks): Promise<ChildOutcome> {
    this.calls++;
    this.#hooks = hooks;
    try {
      const answer = await this.#request(frame, hooks.deadlineMs, hooks.timeoutMs, {
        t: 'result',
        id: frame.id as number,
      });
      if (answer.kind === 'fault') return answer;
      const f = answer.frame as ChildFrames['result'];
      return {
        kind: 'result',
        ...(f.outcome !== undefined ? { outcome: f.outcome } : {}),
        ...(f.error !== undefined ? { error: f.error } : {}),
        denials: f.denials,
        tainted: f.tainted === true || f.crashed === true || f.pending === true,
      };
    } finally {
      this.#hooks = undefined;
    }
  }

  /**
   * The child went back to the pool: from now on any CPU it uses is connector code running idle.
   * Metering starts at the watchdog's next round (at most WATCH_MS later), not here: a warm call
   * then reads /proc not at all, and an idle period shorter than one round cannot use more than
   * WATCH_MS of CPU per core, far under the cap.
   */
  markIdle(): void {
    this.#idleTicks = undefined;
    this.#idlePending = true;
    this.#periodCpuMs = 0;
  }

  markBusy(): void {
    this.#idlePending = false;
    this.#checkIdleCpu();
    this.#idleTicks = undefined;
  }

  /** utime + stime of the child from /proc (0 when it cannot be read). */
  cpuTicks(): number {
    this.#proc ??= new ProcStat(this.process.pid);
    return this.#proc.sample().cpuTicks;
  }

  /** Counts idle CPU and ends a child that ran connector code while nothing was asked of it. */
  #checkIdleCpu(): void {
    if (this.#idleTicks === undefined || this.dead) return;
    const now = this.cpuTicks();
    const used = ((now - this.#idleTicks) * 1000) / TICKS_PER_SECOND;
    if (used <= 0) return;
    this.idleCpuMs += used;
    this.#periodCpuMs += used;
    this.#idleTicks = now;
    if (this.#periodCpuMs > IDLE_CPU_LIMIT_MS) this.kill();
  }

  /** Resident memory of the child from /proc (0 when it cannot be read). */
  rssBytes(): number {
    this.#proc ??= new ProcStat(this.process.pid);
    return this.#proc.sample().rssBytes;
  }

  kill(): void {
    if (!this.dead) {
      this.dead = true;
      this.process.kill('SIGKILL');
    }
    clearInterval(this.#watchdog);
  }

  #request(
    frame: Record<string, unknown>,
    deadlineMs: number,
    timeoutMs: number,
    expect: { t: string; id: number },
  ): Promise<
    { kind: 'frame'; frame: ChildFrame } | { kind: 'fault'; code: string; message: string }
  > {
    return new Promise((resolve) => {
      const timer = setTimeout(
        () =>
          this.#fault(
            'TIMEOUT',
            `the connector did not finish within ${timeoutMs} ms; the sandbox was killed`,
          ),
        deadlineMs,
      );
      const done = (value: Parameters<typeof resolve>[0]) => {
        clearTimeout(timer);
        this.#expect = undefined;
        this.#waiting = undefined;
        this.#onFault = undefined;
        resolve(value);
      };
      this.#waiting = (f) => done({ kind: 'frame', frame: f });
      this.#onFault = (code, message) => done({ kind: 'fault', code, message });
      this.#expect = expect;
      if (this.dead) {
        done({ kind: 'fault', code: 'CONNECTOR_CRASHED', message: 'the sandbox is gone' });
        return;
      }
      this.#channel.write(`${JSON.stringify(frame)}\n`);
    });
  }

  /**
   * Every frame from the child is untrusted input: parsed with a depth cap (the reader capped its
   * size), checked against its row in CHILD_FRAMES before any field is read, and handled so that
   * nothing can throw into the socket's handler. Anything wrong kills this child, never the host.
   */
  #onFrameSafely(text: string): void {
    try {
      const parsed = parseChildFrame(text);
      if (!parsed.ok) {
        this.#violation(parsed.reason);
        return;
      }
      this.#onFrame(parsed.frame, Buffer.byteLength(text));
    } catch {
      this.#violation('a message the host could not handle');
    }
  }

  #onFrame(frame: ChildFrame, bytes: number): void {
    const hooks = this.#hooks;
    const expected = this.#expect;
    if (frame.t === 'fetch' && hooks && expected) {
      const { id } = frame;
      hooks.onFetch(frame.request, bytes).then(
        (answer) => {
          if (!this.dead)
            this.#channel.write(`${JSON.stringify({ t: 'fetch-result', id, answer })}\n`);
        },
        () => {},
      );
    } else if (frame.t === 'artifact' && hooks && expected) {
      const { id } = frame;
      const answer = hooks.onArtifact
        ? hooks.onArtifact(frame)
        : Promise.resolve({
            ok: false,
            code: 'ARTIFACTS_UNAVAILABLE',
            message: 'this host keeps no artifacts',
          });
      answer.then(
        (a) => {
          if (!this.dead)
            this.#channel.write(`${JSON.stringify({ t: 'artifact-result', id, answer: a })}\n`);
        },
        () => {},
      );
    } else if (frame.t === 'log' && hooks && expected) {
      hooks.onLog(frame.level, frame.message, frame.fields);
    } else if (
      expected &&
      frame.t === expected.t &&
      (expected.id === undefined || ('id' in frame && frame.id === expected.id))
    ) {
      this.#expect = undefined;
      const waiting = this.#waiting;
      this.#waiting = undefined;
      waiting?.(frame);
    } else {
      // A frame of another type or id, or any frame while nothing is outstanding: the child is
      // writing its own messages. It is killed (and so retired by the pool) whether busy or idle.
      this.#violation(
        `an unexpected ${frame.t} message ${expected ? `while the host waited for ${expected.t}` : 'while no request was outstanding'}`,
      );
    }
  }

  #violation(what: string): void {
    this.#fault('SANDBOX_VIOLATION', `the sandbox sent ${what}; it was killed`);
  }

  #fault(code: string, message: string): void {
    const onFault = this.#onFault;
    this.kill();
    onFault?.(code, message);
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null): void {
    const wasDead = this.dead;
    this.dead = true;
    if (wasDead && !this.#onFault) return;
    // Out of memory only when the host measured it: its own watchdog fired, or the process died of
    // the abort V8 raises on a heap limit (SIGABRT / SIGTRAP) after the watchdog saw it hold at
    // least its heap cap. What the child printed or how it chose to die proves nothing alone.
    const oom =
      this.#watchdogFired ||
      ((signal === 'SIGABRT' || signal === 'SIGTRAP') && this.#peakRss >= this.#heapBytes);
    if (oom)
      this.#fault(
        'RESOURCE_EXHAUSTED',
        'the connector ran out of its heap memory cap; the sandbox was ended',
      );
    else
      this.#fault(
        'CONNECTOR_CRASHED',
        `the sandbox exited during the call (${signal ? `signal ${signal}` : `exit code ${code}`})`,
      );
  }
}
