import { randomInt } from 'node:crypto';
import { UID_RANGE } from './isolation.js';
import { privateTmpRoot, sweepStaleTmp } from './sandbox/private-tmp.js';
import { type ChildSpec, SandboxChild } from './sandbox-child.js';

export interface PoolOptions {
  /** Most children alive at once, warm spares included. */
  maxChildren: number;
  /** Unbound children kept started, ready to take any connector. */
  warm: number;
  /** A child is recycled after this many calls. */
  maxCallsPerChild: number;
  /** An idle child bound to a connector and tenant is ended after this long unused. */
  idleMs: number;
  /** Deadline for a new child to start (loading the connector counts against the call's deadline). */
  startTimeoutMs: number;
}

export interface PoolStats {
  children: number;
  idle: number;
  busy: number;
  spares: number;
  spawned: number;
  recycled: number;
  /** CPU children used while idle in the pool (ms, host-measured); past a small cap a child is ended. */
  idleCpuMs: number;
  /** How new children start: from the runner's startup snapshot, or by loading the runner script. */
  startup: 'snapshot' | 'script';
}

/**
 * Warm sandbox children. A child is bound to one connector bundle and one tenant (`key`) when it
 * first loads code, and only serves that key until it is recycled: after `maxCallsPerChild` calls,
 * or any error, timeout or crash (the caller says so on release).
 */
export class ChildPool {
  #spec: Omit<ChildSpec, 'uidSlot'>;
  readonly #options: PoolOptions;
  readonly #idle = new Map<string, SandboxChild[]>();
  readonly #spares: SandboxChild[] = [];
  readonly #live = new Set<SandboxChild>();
  readonly #slots = new Set<number>();
  #waiters: (() => void)[] = [];
  #spawned = 0;
  #recycled = 0;
  #idleCpuMs = 0;
  #closed = false;
  #reaper: NodeJS.Timeout | undefined;

  constructor(spec: Omit<ChildSpec, 'uidSlot'>, options: PoolOptions) {
    // Children's temp folders live under one root; those of a host that died without cleaning up
    // (killed, or the machine stopped) are removed here.
    const tmpRoot = spec.tmpRoot ?? privateTmpRoot();
    sweepStaleTmp(tmpRoot);
    this.#spec = { ...spec, tmpRoot };
    this.#options = options;
    this.#refill();
  }

  /** Children spawned from now on start from this startup snapshot of the runner. */
  useSnapshot(path: string): void {
    this.#spec = { ...this.#spec, snapshotPath: path };
  }

  /** Each child's total memory cap in bytes (`memoryMb`). */
  get memoryBytes(): number {
    return this.#spec.rssLimitBytes;
  }

  /**
   * A child bound to `key`, loading the connector into a new one if none is idle. Loading must end
   * by `deadlineAt` (a `performance.now()` time): it counts against the call's one deadline.
   */
  async acquire(
    key: string,
    source: string,
    integrity: string,
    deadlineAt: number,
  ): Promise<SandboxChild> {
    for (;;) {
      if (this.#closed) throw new Error('the runtime is closed');
      const list = this.#idle.get(key);
      const idle = list?.pop();
      // Empty lists go, so the map does not grow with every tenant ever seen.
      if (list && list.length === 0) this.#idle.delete(key);
      if (idle && !idle.dead) {
        idle.markBusy();
        if (!idle.dead) return idle;
      }
      if (this.#live.size >= this.#options.maxChildren) this.#evictOne();
      if (this.#live.size < this.#options.maxChildren || this.#spares.length > 0) {
        const child = this.#spares.shift() ?? this.#spawn();
        this.#refill();
        try {
          await withDeadline(
            child.ready(),
            this.#options.startTimeoutMs,
            'the sandbox did not start',
          );
          await child.load(source, integrity, Math.max(1, deadlineAt - performance.now()));
        } catch (error) {
          this.#retire(child);
          throw error;
        }
        child.boundTo = key;
        return child;
      }
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** Returns a child after a call; `healthy` false recycles it. */
  release(child: SandboxChild, healthy: boolean): void {
    if (!healthy || child.dead || this.#closed || child.calls >= this.#options.maxCallsPerChild) {
      this.#retire(child);
    } else {
      const list = this.#idle.get(child.boundTo!) ?? [];
      child.idleSince = performance.now();
      child.markIdle();
      list.push(child);
      this.#idle.set(child.boundTo!, list);
      this.#scheduleReap();
    }
    this.#wake();
  }

  stats(): PoolStats {
    let idle = 0;
    for (const list of this.#idle.values()) idle += list.length;
    return {
      children: this.#live.size,
      idle,
      busy: this.#live.size - idle - this.#spares.length,
      spares: this.#spares.length,
      spawned: this.#spawned,
      recycled: this.#recycled,
      idleCpuMs: this.#idleCpuMs + [...this.#live].reduce((sum, c) => sum + c.idleCpuMs, 0),
      startup: this.#spec.snapshotPath ? 'snapshot' : 'script',
    };
  }

  /** Ends every child; resolves once each has exited and its temp folder is gone (at most 5 s). */
  close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#reaper);
    const exits = [...this.#live].map((child) => child.exited);
    for (const child of this.#live) child.kill();
    this.#live.clear();
    this.#idle.clear();
    this.#spares.length = 0;
    this.#wake();
    return withDeadline(Promise.all(exits), 5000, 'the sandboxes did not exit').then(
      () => {},
      () => {},
    );
  }

  #spawn(): SandboxChild {
    let slot = randomInt(UID_RANGE);
    while (this.#slots.has(slot)) slot = (slot + 1) % UID_RANGE;
    this.#slots.add(slot);
    const child = new SandboxChild({ ...this.#spec, uidSlot: slot });
    this.#spawned++;
    this.#live.add(child);
    child.process.once('close', () => {
      if (this.#live.has(child)) {
        this.#retire(child);
        this.#wake();
      }
    });
    return child;
  }

  #refill(): void {
    while (
      !this.#closed &&
      this.#spares.length < this.#options.warm &&
      this.#live.size < this.#options.maxChildren
    ) {
      const spare = this.#spawn();
      spare.ready().catch(() => this.#retire(spare));
      this.#spares.push(spare);
    }
  }

  #retire(child: SandboxChild): void {
    child.kill();
    if (!this.#live.delete(child)) return;
    this.#recycled++;
    this.#idleCpuMs += child.idleCpuMs;
    this.#slots.delete(child.uidSlot);
    const spare = this.#spares.indexOf(child);
    if (spare !== -1) this.#spares.splice(spare, 1);
    if (child.boundTo) {
      const list = this.#idle.get(child.boundTo);
      const at = list?.indexOf(child) ?? -1;
      if (at !== -1) list!.splice(at, 1);
      if (list && list.length === 0) this.#idle.delete(child.boundTo);
    }
  }

  #scheduleReap(): void {
    if (this.#reaper || this.#closed) return;
    this.#reaper = setTimeout(() => {
      this.#reaper = undefined;
      const now = performance.now();
      for (const list of this.#idle.values())
        for (const child of [...list])
          if (now - child.idleSince >= this.#options.idleMs) this.#retire(child);
      if ([...this.#idle.values()].some((list) => list.length > 0)) this.#scheduleReap();
    }, this.#options.idleMs);
    // Idle children never keep the host process alive.
    this.#reaper.unref();
  }

  #evictOne(): void {
    for (const list of this.#idle.values()) {
      const victim = list.shift();
      if (victim) {
        this.#retire(victim);
        return;
      }
    }
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
    if (!this.#closed) this.#refill();
  }
}

function withDeadline<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
