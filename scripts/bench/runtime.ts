// `npm run bench:runtime`: what the sandbox costs for a no-op connector on this machine, next to a
// direct in-process call, printed as figures and ratios (compare within one run: the machine is
// shared and noisy). Goals from issue 5: warm overhead p50 ≤ 0.5 ms with signing, ≥ 3,000 calls/s,
// cold start ≤ 80 ms.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRuntime } from '../../runtime/src/index.js';
import {
  EvidenceBuilder,
  generateSigningKeyPair,
  signEvidence,
  toPrivateKey,
} from '../../sdk/src/index.js';

const NOOP = fileURLToPath(new URL('../../runtime/test/fixtures/good/noop', import.meta.url));
const WARM_CALLS = Number(process.env.BENCH_WARM_CALLS ?? 3000);
const THROUGHPUT_MS = Number(process.env.BENCH_THROUGHPUT_MS ?? 3000);
const COLD_STARTS = Number(process.env.BENCH_COLD_STARTS ?? 20);

const key = toPrivateKey(generateSigningKeyPair().privateKeyPem);
const payload = { n: 1 };

function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p99: at(0.99) };
}
const ms = (x: number) => `${x.toFixed(3)} ms`;

// 1. Direct in-process call, bare, and with the evidence a runner must build and sign.
const { default: noop } = (await import(`${NOOP}/index.mjs`)) as {
  default: (p: unknown) => Promise<unknown>;
};
const direct: number[] = [];
const directSigned: number[] = [];
for (let i = 0; i < WARM_CALLS; i++) {
  let t = performance.now();
  await noop({ input: { operation: 'noop.run', payload } });
  direct.push(performance.now() - t);
  t = performance.now();
  const builder = new EvidenceBuilder({
    connector: { id: 'noop', version: '1.0.0' },
    trace_id: 't',
    tenant_id: 'bench',
    attempt_no: 1,
    dry_run: false,
    input: { operation: 'noop.run', payload },
  });
  const data = await noop({ input: { operation: 'noop.run', payload } });
  signEvidence(builder.buildSuccess((data as { data: unknown }).data), key);
  directSigned.push(performance.now() - t);
}

// 2. Warm calls through the sandbox, one at a time (evidence built and signed by the host each time).
const runtime = await createRuntime({
  signingKey: key,
  pool: { maxChildren: 5, warm: 0, maxCallsPerChild: 1_000_000 },
});
for (let i = 0; i < 200; i++) await runtime.run(NOOP, { payload }, { tenant_id: 'bench' });
const warm: number[] = [];
for (let i = 0; i < WARM_CALLS; i++) {
  const t = performance.now();
  const run = await runtime.run(NOOP, { payload }, { tenant_id: 'bench' });
  warm.push(performance.now() - t);
  if (!run.ok) throw new Error(`noop failed: ${run.error.code} ${run.error.message}`);
}

// 3. Throughput: 4 callers, each with its own warm child (4 tenants), for THROUGHPUT_MS.
const throughput: Record<number, number> = {};
for (const callers of [1, 4]) {
  let calls = 0;
  const until = performance.now() + THROUGHPUT_MS;
  await Promise.all(
    Array.from({ length: callers }, async (_, i) => {
      await runtime.run(NOOP, { payload }, { tenant_id: `tp-${i}` });
      while (performance.now() < until) {
        await runtime.run(NOOP, { payload }, { tenant_id: `tp-${i}` });
        calls++;
      }
    }),
  );
  throughput[callers] = calls / (THROUGHPUT_MS / 1000);
}
await runtime.close();

// 4. Cold start: a new tenant needs a new child: spawn, permission model, runner, load, first call.
const cold = await createRuntime({ signingKey: key, pool: { maxChildren: 1, warm: 0 } });
await cold.run(NOOP, { payload }, { tenant_id: 'cold-warmup' });
const colds: number[] = [];
for (let i = 0; i < COLD_STARTS; i++) {
  const t = performance.now();
  const run = await cold.run(NOOP, { payload }, { tenant_id: `cold-${i}` });
  colds.push(performance.now() - t);
  if (!run.ok) throw new Error(`noop failed: ${run.error.code}`);
}
const isolation = cold.isolation;
await cold.close();

// 5. The same with a warm spare waiting (the pool's default): only loading and the first call remain.
const spared = await createRuntime({ signingKey: key, pool: { maxChildren: 2, warm: 1 } });
const withSpare: number[] = [];
for (let i = 0; i < COLD_STARTS; i++) {
  await new Promise((resolve) => setTimeout(resolve, 250));
  const t = performance.now();
  const run = await spared.run(NOOP, { payload }, { tenant_id: `spare-${i}` });
  withSpare.push(performance.now() - t);
  if (!run.ok) throw new Error(`noop failed: ${run.error.code}`);
}
await spared.close();

// Baseline on this machine right now: spawning a bare `node -e 0` to its exit.
const bare: number[] = [];
for (let i = 0; i < COLD_STARTS; i++) {
  const t = performance.now();
  await new Promise((resolve) =>
    spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' }).on('exit', resolve),
  );
  bare.push(performance.now() - t);
}

const d = percentiles(direct);
const ds = percentiles(directSigned);
const w = percentiles(warm);
const c = percentiles(colds);
const sp = percentiles(withSpare);
const b = percentiles(bare);
const lines = [
  `runtime bench: Node ${process.versions.node}, ${WARM_CALLS} warm calls, no-op connector`,
  `isolation: network ${isolation.network}, uid ${isolation.uidBase === null ? 'host' : 'dedicated per child'}, memory ${isolation.memory}, ${isolation.permissionFlag}`,
  '',
  `direct in-process call         p50 ${ms(d.p50)}  p99 ${ms(d.p99)}`,
  `direct call + evidence + sign  p50 ${ms(ds.p50)}  p99 ${ms(ds.p99)}`,
  `sandbox warm call (signed)     p50 ${ms(w.p50)}  p99 ${ms(w.p99)}`,
  `warm overhead vs direct        p50 ${ms(w.p50 - d.p50)}  p99 ${ms(w.p99 - d.p99)}   (goal p50 ≤ 0.5 ms)`,
  `sandbox / in-process signed    p50 ×${(w.p50 / ds.p50).toFixed(1)}  p99 ×${(w.p99 / ds.p99).toFixed(1)}`,
  '',
  `throughput, 1 caller           ${Math.round(throughput[1]!)} calls/s`,
  `throughput, 4 callers          ${Math.round(throughput[4]!)} calls/s   (goal ≥ 3,000)`,
  '',
  `cold start (new child → first result)  p50 ${ms(c.p50)}  p99 ${ms(c.p99)}   (goal ≤ 80 ms; ${COLD_STARTS} starts)`,
  `bare \`node -e 0\` on this machine now  p50 ${ms(b.p50)}  p99 ${ms(b.p99)}   cold start / bare node p50 ×${(c.p50 / b.p50).toFixed(2)}`,
  `new tenant with a warm spare waiting   p50 ${ms(sp.p50)}  p99 ${ms(sp.p99)}   (load + first call)`,
];
process.stdout.write(`${lines.join('\n')}\n`);
