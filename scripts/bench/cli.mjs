// npm run bench:cli — start-up of the compiled CLI, the way an installed `jobforge` runs (the bundle
// in cli/bundle/, plain Node, JOBFORGE_CLI=dist), side by side with `node -e 0` on the same machine
// at the same time: each round runs every command once, in turn, so load on a shared machine hits
// all alike. Prints the median wall time of each over the rounds, and its ratio to `node -e 0` (goal <= 3x).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const GOAL = 3;
const bin = join(root, 'cli/bin/jobforge.mjs');
if (!existsSync(join(root, 'cli/bundle/main.js'))) {
  process.stderr.write('bench:cli: cli/bundle is missing; run `npm run build` first\n');
  process.exit(2);
}

const CASES = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'jobforge --version', args: [bin, '--version'] },
  { name: 'jobforge --help', args: [bin, '--help'] },
  { name: 'jobforge validate connectors/echo', args: [bin, 'validate', 'connectors/echo'] },
];

function timeOnce(args) {
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, {
    cwd: root,
    env: { ...process.env, JOBFORGE_CLI: 'dist', NO_COLOR: '1' },
    encoding: 'utf8',
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) throw new Error(`${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return ms;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

// One untimed round first: warms the file cache (and Node's compile cache where it has one).
for (const c of CASES) timeOnce(c.args);
const samples = new Map(CASES.map((c) => [c.name, []]));
for (let round = 0; round < ROUNDS; round++)
  for (const c of CASES) samples.get(c.name).push(timeOnce(c.args));

const base = median(samples.get('node -e 0'));
const rows = CASES.map((c) => {
  const ms = median(samples.get(c.name));
  return [c.name, ms.toFixed(1), (ms / base).toFixed(2), ms / base <= GOAL ? 'yes' : 'NO'];
});
const header = ['command', 'median ms', 'ratio', `<= ${GOAL}x`];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
process.stdout.write(
  `jobforge start-up, Node ${process.versions.node}, median of ${ROUNDS} rounds\n` +
    `${[line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')}\n`,
);
process.exitCode = rows.every((r) => r[3] === 'yes') ? 0 : 1;
