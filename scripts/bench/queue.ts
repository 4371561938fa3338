// npm run bench:queue [-- --reps 1 --n 5000 --variants jobforge,jobforge-python,graphile-worker --pg URL]
// JobForge's queue side by side with graphile-worker and pg-boss on one PostgreSQL, in one run,
// through the anchor harness in ../shared/bench/anchors (copied here, never changed there).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { formatGoals, formatRatios, type Summary } from './queue-ratios.js';
import { type BenchServer, startBenchServer } from './queue-server.js';
import { warmUp } from './queue-warm-up.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values: args } = parseArgs({
  options: {
    pg: { type: 'string', default: process.env.BENCH_PG },
    server: { type: 'string', default: 'auto' },
    anchors: {
      type: 'string',
      default: process.env.JOBFORGE_ANCHORS ?? join(root, '../shared/bench/anchors'),
    },
    reps: { type: 'string' },
    n: { type: 'string' },
    'n-one': { type: 'string' },
    'latency-n': { type: 'string' },
    variants: { type: 'string' },
    measurements: { type: 'string' },
  },
});

if (!existsSync(join(args.anchors, 'run-all.mjs'))) {
  process.stderr.write(
    `bench:queue: no anchor harness at ${args.anchors} (set JOBFORGE_ANCHORS)\n`,
  );
  process.exit(2);
}

// A private copy of the harness with its pinned anchors installed (node_modules is gitignored).
const work = join(root, 'node_modules/.cache/jobforge-bench-anchors');
cpSync(args.anchors, work, { recursive: true, filter: (src) => !src.includes('node_modules') });
const lock = readFileSync(join(work, 'package-lock.json'), 'utf8');
const stamp = join(work, 'node_modules/.lock-copy.json');
if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== lock) {
  process.stderr.write('bench:queue: installing graphile-worker and pg-boss for the harness…\n');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: work,
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(2);
  writeFileSync(stamp, lock);
}
cpSync(join(root, 'scripts/bench/queue-adapter.mjs'), join(work, 'adapters/jobforge.mjs'));
cpSync(
  join(root, 'scripts/bench/queue-python-adapter.mjs'),
  join(work, 'adapters/jobforge-python.mjs'),
);
cpSync(
  join(root, 'scripts/bench/queue-ceiling-adapter.mjs'),
  join(work, 'adapters/sql-ceiling.mjs'),
);
const anchorsIndex = join(work, 'adapters/index-anchors.mjs');
if (!existsSync(anchorsIndex)) cpSync(join(work, 'adapters/index.mjs'), anchorsIndex);
writeFileSync(
  join(work, 'adapters/index.mjs'),
  `import { variants as anchors } from './index-anchors.mjs';
export const variants = {
  jobforge: {
    module: './jobforge.mjs',
    options: {},
    label: 'jobforge, defaults',
    measurements: ['enqueueOne', 'enqueueBatch', 'process@10', 'process@1', 'latency@10', 'latency@1'],
  },
  'jobforge-python': {
    module: './jobforge-python.mjs',
    options: {},
    label: 'jobforge Python client and worker (python/), defaults',
    measurements: ['enqueueOne', 'enqueueBatch', 'process@10', 'process@1'],
  },
  'sql-ceiling': {
    module: './sql-ceiling.mjs',
    options: {},
    label: 'not a queue: bare SKIP LOCKED claim + delete loop on the jobs table, batched as jobforge',
    measurements: ['process@10'],
  },
  ...anchors,
};
`,
);

let server: BenchServer | undefined;
let url = args.pg;
if (!url) {
  server = await startBenchServer(args.server as 'pg15' | 'embedded' | 'auto');
  url = server.url;
  process.stderr.write(`bench:queue: started ${server.description}\n`);
}
try {
  await warmUp(url);
  const passthrough = ['reps', 'n', 'n-one', 'latency-n', 'variants', 'measurements'].flatMap(
    (k) => {
      const v = args[k as keyof typeof args];
      return typeof v === 'string' ? [`--${k}`, v] : [];
    },
  );
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;
  const out = join(work, 'results.json');
  const r = spawnSync(
    process.execPath,
    ['--import', tsx, 'run-all.mjs', '--pg', url, '--out', out, ...passthrough],
    {
      cwd: work,
      stdio: 'inherit',
      env: {
        ...process.env,
        JOBFORGE_QUEUE_SRC: pathToFileURL(join(root, 'queue/src/index.ts')).href,
      },
    },
  );
  if (r.status !== 0) process.exitCode = r.status ?? 1;
  if (existsSync(out)) {
    const results = JSON.parse(readFileSync(out, 'utf8')) as {
      summary: Summary[];
      variants: Record<
        string,
        { label: string; library: string; version: string; config: unknown }
      >;
    };
    process.stdout.write(`\n${formatRatios(results.summary)}\n`);
    process.stdout.write(`\n${formatGoals(results.summary)}\n`);
    process.stdout.write('\nVariants (release and settings):\n');
    for (const [name, v] of Object.entries(results.variants)) {
      process.stdout.write(
        `- ${name}: ${v.library}@${v.version} — ${v.label}\n  ${JSON.stringify(v.config)}\n`,
      );
    }
    if (server) process.stdout.write(`\nServer: ${server.description}\n`);
  }
} finally {
  await server?.stop();
}
