// Evidence benchmark: sign+verify per packet, and canonical hashing against JSON.stringify + sha256.
// Prints figures; asserts nothing. Run: npm run bench:evidence
import { createHash } from 'node:crypto';
import {
  EvidenceBuilder,
  generateSigningKeyPair,
  hashOutput,
  signEvidence,
  toPrivateKey,
  toPublicKey,
  verifyEvidence,
} from '@jobforge/sdk';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function fmt(ms: number): string {
  return ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`;
}

// --- sign + verify per packet -----------------------------------------------------------------
const pair = generateSigningKeyPair();
const privateKey = toPrivateKey(pair.privateKeyPem);
const publicKey = toPublicKey(pair.publicKeyPem);
const builder = new EvidenceBuilder({
  connector: { id: 'echo', version: '1.0.0', integrity: `sha256-${'A'.repeat(43)}=` },
  trace_id: 'trace-bench',
  tenant_id: 'tenant-bench',
  attempt_no: 1,
  dry_run: false,
  input: { operation: 'echo.say', payload: { message: 'hello', uppercase: true } },
});
const statement = builder.buildSuccess(
  { message: 'HELLO', length: 5 },
  { claims: { transformed: true } },
);

const N = 5000;
const signTimes: number[] = [];
const verifyTimes: number[] = [];
const bothTimes: number[] = [];
for (let i = 0; i < N + 500; i++) {
  const t0 = performance.now();
  const envelope = signEvidence(statement, privateKey);
  const t1 = performance.now();
  const checked = verifyEvidence(envelope, publicKey);
  const t2 = performance.now();
  if (!checked.ok) throw new Error(`verification failed: ${checked.reason}`);
  if (i >= 500) {
    signTimes.push(t1 - t0);
    verifyTimes.push(t2 - t1);
    bothTimes.push(t2 - t0);
  }
}
for (const list of [signTimes, verifyTimes, bothTimes]) list.sort((a, b) => a - b);

console.log(
  `Evidence sign + verify (Ed25519, DSSE, ${N} packets after 500 warm-up; Node ${process.version})`,
);
console.log('| step            | p50       | p99       |');
console.log('|-----------------|-----------|-----------|');
for (const [name, list] of [
  ['sign', signTimes],
  ['verify', verifyTimes],
  ['sign + verify', bothTimes],
] as const) {
  console.log(
    `| ${name.padEnd(15)} | ${fmt(percentile(list, 50)).padEnd(9)} | ${fmt(percentile(list, 99)).padEnd(9)} |`,
  );
}

// --- hashOutput vs JSON.stringify + sha256 -----------------------------------------------------
function document(targetBytes: number): unknown {
  const rows: unknown[] = [];
  let size = 2;
  for (let i = 0; size < targetBytes; i++) {
    const row = {
      id: `row-${i}`,
      amount: i * 1.25,
      ratio: 1 / (i + 3),
      big: i * 1e17,
      active: i % 3 === 0,
      tags: ['alpha', 'beta', `t${i % 17}`],
      note: i % 5 === 0 ? 'ünïcødé ✓ \u20ac "quoted" \\ back' : null,
      nested: { z: i, a: { y: i % 7, b: 'x'.repeat(i % 13) } },
    };
    size += JSON.stringify(row).length + 1;
    rows.push(row);
  }
  return { kind: 'report', generated: '2026-01-01T00:00:00Z', rows };
}

function medianOf(runs: number, fn: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return percentile(times, 50);
}

console.log('');
console.log(
  'hashOutput (RFC 8785 + sha256) against JSON.stringify + sha256 of the same value (median of runs, interleaved);',
);
console.log('every object in the document has its keys out of canonical order, the harder case');
console.log('| document | JSON.stringify+sha256 | hashOutput | ratio |');
console.log('|----------|-----------------------|------------|-------|');
for (const [label, bytes, runs] of [
  ['1 MB', 1 << 20, 31],
  ['10 MB', 10 << 20, 7],
] as const) {
  const value = document(bytes);
  const baseline = () => createHash('sha256').update(JSON.stringify(value)).digest('hex');
  const ours = () => hashOutput(value);
  // Warm both, then alternate so machine noise hits them alike.
  baseline();
  ours();
  let base = 0;
  let mine = 0;
  for (let round = 0; round < 3; round++) {
    base += medianOf(runs, baseline);
    mine += medianOf(runs, ours);
  }
  base /= 3;
  mine /= 3;
  console.log(
    `| ${label.padEnd(8)} | ${fmt(base).padEnd(21)} | ${fmt(mine).padEnd(10)} | ${(mine / base).toFixed(2)}x |`,
  );
}
