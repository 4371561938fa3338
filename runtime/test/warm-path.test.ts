import { spawnSync } from 'node:child_process';
import { hashOutput, verifyEvidence } from '@jobforge/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffGlobalSnapshot, takeGlobalSnapshot } from '../src/child/global-snapshot.js';
import { createRuntime, type Runtime } from '../src/index.js';
import { ProcStat } from '../src/proc-stat.js';
import { ECHO, hostKey, statementOf } from './helpers.js';

const key = hostKey();
let runtime: Runtime;

beforeAll(async () => {
  runtime = await createRuntime({
    signingKey: key.privateKeyPem,
    pool: { maxChildren: 2, warm: 0 },
  });
});
afterAll(async () => {
  await runtime.close();
});

describe('the warm path hashes once and still signs what it hashed', () => {
  it('records the input and output hashes of the canonical forms it measured', async () => {
    const payload = { uppercase: true, message: 'héllo' };
    for (let i = 0; i < 3; i++) {
      const run = await runtime.run(ECHO, { payload }, { tenant_id: 'warm' });
      expect(run.ok).toBe(true);
      expect(verifyEvidence(run.evidence, key.publicKeyPem).ok).toBe(true);
      const p = statementOf(run.evidence).predicate;
      expect(p.input_hash).toBe(hashOutput({ operation: 'echo.say', payload }));
      expect(p.output_hash).toBe(hashOutput(run.ok ? run.data : null));
    }
  });
});

describe('the global fingerprint compared after every call', () => {
  it('sees no change when nothing changed, and every kind of change when one did', () => {
    const before = takeGlobalSnapshot();
    expect(diffGlobalSnapshot(before)).toBeNull();
    const proto = Object.getOwnPropertyDescriptor(Object.prototype, '__proto__')!;
    const cases: [string, () => void, () => void][] = [
      [
        'only the setter of an accessor',
        () => Object.defineProperty(Object.prototype, '__proto__', { ...proto, set() {} }),
        () => Object.defineProperty(Object.prototype, '__proto__', proto),
      ],
      [
        'only the flags of a method',
        () => Object.defineProperty(Array.prototype, 'push', { enumerable: true }),
        () => Object.defineProperty(Array.prototype, 'push', { enumerable: false }),
      ],
      [
        'a data property swapped for a getter returning the same value',
        () => {
          const push = Array.prototype.push;
          Object.defineProperty(Array.prototype, 'push', { get: () => push, configurable: true });
        },
        () => {
          const push = (Array.prototype as unknown as { push: unknown }).push;
          Object.defineProperty(Array.prototype, 'push', {
            value: push,
            writable: true,
            configurable: true,
            enumerable: false,
          });
        },
      ],
      [
        'a key added to a prototype',
        () =>
          Object.defineProperty(Object.prototype, 'isAdmin', { value: true, configurable: true }),
        () => delete (Object.prototype as Record<string, unknown>).isAdmin,
      ],
    ];
    for (const [what, change, undo] of cases) {
      change();
      try {
        expect(diffGlobalSnapshot(before), what).toMatch(/was (changed|added)$/);
      } finally {
        undo();
      }
      expect(diffGlobalSnapshot(before), `${what}, undone`).toBeNull();
    }
  });
});

describe('ProcStat', () => {
  it('reads CPU and memory of a live process through one descriptor, and zeros once it is gone', () => {
    const own = new ProcStat(process.pid);
    const first = own.sample();
    expect(first.rssBytes).toBeGreaterThan(1024 * 1024);
    let x = 0;
    for (let i = 0; i < 3e7; i++) x += i;
    expect(x).toBeGreaterThan(0);
    expect(own.sample().cpuTicks).toBeGreaterThanOrEqual(first.cpuTicks);
    own.close();
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    expect(new ProcStat(gone).sample()).toEqual({ cpuTicks: 0, rssBytes: 0 });
  });
});
