// `npm run bench:runtime`: what the sandbox costs for a no-op connector on this machine, next to a
// direct in-process call. The machine is shared and noisy, so every goal is a ratio, and the two
// sides of each ratio are measured interleaved in one run (call by call, window by window, start by
// start), so load from elsewhere falls on both. Goals from issue 18.
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
/** Throughput: this many rounds, each one window with 1 caller and one with 4, in turn. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 500);
const COLD_STARTS = Number(process.env.BENCH_COLD_STARTS ?? 20);

const key = toPrivateKey(generateSigningKeyPair().privateKeyPem);
const payload = { n: 1 };

function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p99: at(0.99) };
}
const ms = (x: number) => `${x.toFixed(3)} ms`;

const { default: noop } = (await import(`${NOOP}/index.mjs`)) as {
  default: (p: unknown) => Promise<unknown>;
};
/** The in-process baseline: the call plus the evidence a runner must build and sign. */
async function directSigned(): Promise<void> {
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
}

const runtime = await createRuntime({
  signingKey: key,
  pool: { maxChildren: 6, warm: 0, maxCallsPerChild: 1_000_000 },
});
async function sandboxCall(tenant: string): Promise<void> {
  const run = await runtime.run(NOOP, { payload }, { tenant_id: tenant });
  if (!run.ok) throw new Error(`noop failed: ${run.error.code} ${run.error.message}`);
}

// 1. Warm calls, one at a time, interleaved with the direct call and the direct signed call.
for (let i = 0; i < 300; i++) {
  await sandboxCall('bench');
  await directSigned();
}
const direct: number[] = [];
const signed: number[] = [];
const warm: number[] = [];
for (let i = 0; i < WARM_CALLS; i++) {
  let t = performance.now();
  await noop({ input: { operation: 'noop.run', payload } });
  direct.push(performance.now() - t);
  t = performance.now();
  await directSigned();
  signed.push(performance.now() - t);
  t = performance.now();
  await sandboxCall('bench');
  warm.push(performance.now() - t);
}

// 2. Throughput: 1 caller, then 4 callers (each its own tenant, so its own warm child), in
// alternating windows; the order flips every round so a trend in the load favours neither.
async function window(callers: number): Promise<number> {
  let calls = 0;
  const until = performance.now() + WINDOW_MS;
  await Promise.all(
    Array.from({ length: callers }, async (_, i) => {
      while (performance.now() < until) {
        await sandboxCall(`tp-${i}`);
        calls++;
      }
    }),
  );
  return calls;
}
await Promise.all([0, 1, 2, 3].map((i) => sandboxCall(`tp-${i}`)));
const done = { 1: 0, 4: 0 };
for (let round = 0; round < ROUNDS; round++)
  for (const callers of round % 2 === 0 ? [1, 4] : [4, 1])
    done[callers as 1 | 4] += await window(callers);
const perSecond = (calls: number) => calls / ((ROUNDS * WINDOW_MS) / 1000);
const throughput = { 1: perSecond(done[1]), 4: perSecond(done[4]) };
await runtime.close();

// 3. Cold start: a new tenant needs a new child (no spare waiting): spawn, permission model,
// runner, load, first call. Each start is paired with a bare `node -e 0` spawned to its exit.
const cold = await createRuntime({ signingKey: key, pool: { maxChildren: 1, warm: 0 } });
await cold.run(NOOP, { payload }, { tenant_id: 'cold-warmup' });
const colds: number[] = [];
const bare: number[] = [];
for (let i = 0; i < COLD_STARTS; i++) {
  let t = performance.now();
  await new Promise((resolve) =>
    spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' }).on('exit', resolve),
  );
  bare.push(performance.now() - t);
  t = performance.now();
  const run = await cold.run(NOOP, { payload }, { tenant_id: `cold-${i}` });
  colds.push(performance.now() - t);
  if (!run.ok) throw new Error(`noop failed: ${run.error.code}`);
}
const isolation = cold.isolation;
const startup = cold.stats().pool.startup;
await cold.close();

// 4. The same with a warm spare waiting (the pool's default): only loading and the first call remain.
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

const d = percentiles(direct);
const ds = percentiles(signed);
const w = percentiles(warm);
const c = percentiles(colds);
const b = percentiles(bare);
const sp = percentiles(withSpare);
const warmRatio = w.p50 / ds.p50;
const scaleRatio = throughput[4] / throughput[1];
const coldRatio = c.p50 / b.p50;
const verdict = (met: boolean) => (met ? 'met' : 'not met');
const lines = [
  `runtime bench: Node ${process.versions.node}, ${WARM_CALLS} warm calls, no-op connector`,
  `isolation: network ${isolation.network}, uid ${isolation.uidBase === null ? 'host' : 'dedicated per child'}, memory ${isolation.memory}, ${isolation.permissionFlag}, children start from the runner ${startup}`,
  '',
  `direct in-process call         p50 ${ms(d.p50)}  p99 ${ms(d.p99)}`,
  `direct call + evidence + sign  p50 ${ms(ds.p50)}  p99 ${ms(ds.p99)}`,
  `sandbox warm call (signed)     p50 ${ms(w.p50)}  p99 ${ms(w.p99)}   overhead p50 ${ms(w.p50 - ds.p50)}`,
  `throughput, 1 caller           ${Math.round(throughput[1])} calls/s`,
  `throughput, 4 callers          ${Math.round(throughput[4])} calls/s   (${ROUNDS} × ${WINDOW_MS} ms windows each)`,
  `cold start (new child → first result)  p50 ${ms(c.p50)}  p99 ${ms(c.p99)}   (${COLD_STARTS} starts)`,
  `bare \`node -e 0\` on this machine now  p50 ${ms(b.p50)}  p99 ${ms(b.p99)}`,
  `new tenant with a warm spare waiting   p50 ${ms(sp.p50)}  p99 ${ms(sp.p99)}   (load + first call)`,
  '',
  '| measurement | this run | goal | |',
  '|---|---|---|---|',
  `| sandbox warm call (signed) p50 vs in-process call + evidence + sign | ×${warmRatio.toFixed(2)} | ≤ ×3 | ${verdict(warmRatio <= 3)} |`,
  `| sandbox throughput, 4 callers vs 1 caller | ${Math.round(throughput[4])} vs ${Math.round(throughput[1])}/s = ${scaleRatio.toFixed(2)}× | ≥ 2.5× | ${verdict(scaleRatio >= 2.5)} |`,
  `| sandbox cold start p50 vs bare \`node -e 0\` | ×${coldRatio.toFixed(2)} (${c.p50.toFixed(0)} ms vs ${b.p50.toFixed(0)} ms) | ≤ ×1.2 | ${verdict(coldRatio <= 1.2)} |`,
];
process.stdout.write(`${lines.join('\n')}\n`);
