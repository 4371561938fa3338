// npm run bench:validate — generates 1,000 connector folders in a temp dir, then times
//  - validateConnectors over them (what `jobforge validate` runs), in-process, median of 5 runs;
//  - a bare baseline that finds the same metadata.json files, reads and parses each and runs one
//    compiled ajv schema (the metadata schema) over each, in-process, median of 5 runs;
//  - `jobforge validate DIR --format json` end to end in a child process (CLI start-up included).
// Prints both, the ratio, and whether the goals hold (validate <= 3x baseline, under 2 s).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METADATA_SCHEMA, validateConnectors } from '../../toolkit/src/index.js';

const COUNT = Number(process.env.BENCH_CONNECTORS ?? 1000);
const RUNS = 5;
const root = join(import.meta.dirname, '../..');
const fromRegistry = createRequire(join(root, 'toolkit/package.json'));
// The baseline uses the toolkit package's own copies of fast-glob and ajv.
const fg = fromRegistry('fast-glob') as {
  (pattern: string, options: object): Promise<string[]>;
  sync(pattern: string, options: object): string[];
};
const { Ajv2020 } = fromRegistry('ajv/dist/2020.js') as {
  Ajv2020: new (options: object) => { compile(schema: object): (data: unknown) => boolean };
};

function generate(dir: string): void {
  const echo = join(root, 'connectors/echo');
  const metadata = JSON.parse(readFileSync(join(echo, 'metadata.json'), 'utf8'));
  const entry = readFileSync(join(echo, 'src/index.ts'), 'utf8');
  for (let i = 0; i < COUNT; i++) {
    const id = `bench-${String(i).padStart(4, '0')}`;
    const folder = join(dir, id);
    mkdirSync(join(folder, 'src'), { recursive: true });
    cpSync(join(echo, 'test'), join(folder, 'test'), { recursive: true });
    const meta = {
      ...metadata,
      $schema: '../../registry/schema/metadata.schema.json',
      connector_id: id,
      name: `Bench ${i}`,
      supported_job_types: [`${id}.say`, `${id}.shout`],
    };
    writeFileSync(join(folder, 'metadata.json'), `${JSON.stringify(meta, null, 2)}\n`);
    writeFileSync(join(folder, 'src/index.ts'), entry);
    writeFileSync(join(folder, 'README.md'), `# ${id}\n`);
  }
}

// Compiled once and reused, as validateConnectors reuses its compiled validator (the first, cold
// run of each pays for compiling).
let compiled: ((data: unknown) => boolean) | undefined;
const schemaValidator = () => {
  compiled ??= new Ajv2020({ allErrors: true, strict: false }).compile(METADATA_SCHEMA);
  return compiled;
};

async function baseline(dir: string): Promise<number> {
  const validate = schemaValidator();
  const files = await fg('**/metadata.json', {
    cwd: dir,
    absolute: true,
    ignore: ['**/node_modules/**'],
  });
  let invalid = 0;
  await Promise.all(
    files.map(async (file) => {
      if (!validate(JSON.parse(await readFile(file, 'utf8')))) invalid++;
    }),
  );
  if (files.length !== COUNT || invalid !== 0)
    throw new Error(`baseline saw ${files.length} files, ${invalid} invalid`);
  return files.length;
}

/** The same baseline with synchronous reads, as validate does them: the stricter comparison. */
async function baselineSync(dir: string): Promise<number> {
  const validate = schemaValidator();
  const files = fg.sync('**/metadata.json', {
    cwd: dir,
    absolute: true,
    ignore: ['**/node_modules/**'],
  });
  let invalid = 0;
  for (const file of files) if (!validate(JSON.parse(readFileSync(file, 'utf8')))) invalid++;
  if (files.length !== COUNT || invalid !== 0)
    throw new Error(`baseline saw ${files.length} files, ${invalid} invalid`);
  return files.length;
}

async function full(dir: string): Promise<number> {
  const { connectors, diagnostics } = await validateConnectors([dir], { cwd: dir, against: false });
  if (connectors.length !== COUNT || diagnostics.length !== 0)
    throw new Error(
      `validate saw ${connectors.length} connectors, ${diagnostics.length} diagnostics: ${JSON.stringify(diagnostics[0])}`,
    );
  return connectors.length;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number) => `${value.toFixed(1)} ms`;

const dir = mkdtempSync(join(tmpdir(), 'jobforge-bench-validate-'));
try {
  generate(dir);
  // Warm-up: the first call compiles ajv and loads modules in both; that is start-up, timed below.
  const firstValidate = await time(() => full(dir));
  const firstBaseline = await time(() => baseline(dir));
  const validateTimes: number[] = [];
  const baselineTimes: number[] = [];
  const syncTimes: number[] = [];
  await baselineSync(dir);
  for (let i = 0; i < RUNS; i++) {
    // Interleaved, so background load on the machine hits all three alike.
    baselineTimes.push(await time(() => baseline(dir)));
    validateTimes.push(await time(() => full(dir)));
    syncTimes.push(await time(() => baselineSync(dir)));
  }
  const cliStart = performance.now();
  const cli = spawnSync(
    process.execPath,
    [join(root, 'cli/bin/jobforge.mjs'), 'validate', dir, '--format', 'json', '--no-against'],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const cliMs = performance.now() - cliStart;
  const cliSummary =
    cli.status === 0 ? JSON.parse(cli.stdout).summary : { error: cli.stderr.slice(0, 300) };
  const v = median(validateTimes);
  const b = median(baselineTimes);
  const bs = median(syncTimes);
  const ratio = v / b;
  const lines = [
    `bench:validate — ${COUNT} generated connectors (metadata.json, src/index.ts, README.md, test/golden.json each), Node ${process.version}`,
    `  validateConnectors (discovery, positions, schema, rules, entry analysis, files)  median ${ms(v)}  [runs: ${validateTimes.map((t) => t.toFixed(0)).join(', ')}; first, cold: ${ms(firstValidate)}]`,
    `  baseline (glob, read, JSON.parse, one compiled ajv schema)                       median ${ms(b)}  [runs: ${baselineTimes.map((t) => t.toFixed(0)).join(', ')}; first, cold: ${ms(firstBaseline)}]`,
    `  baseline with synchronous reads (as validate reads)                              median ${ms(bs)}  [runs: ${syncTimes.map((t) => t.toFixed(0)).join(', ')}]`,
    `  ratio validate / baseline: ${ratio.toFixed(2)}x  (goal <= 3x: ${ratio <= 3 ? 'met' : 'NOT met'}); validate / sync baseline: ${(v / bs).toFixed(2)}x`,
    `  jobforge validate DIR --format json, end to end (child process, CLI start-up included): ${ms(cliMs)}, exit ${cli.status}, ${JSON.stringify(cliSummary)}  (goal < 2 s: ${cliMs < 2000 ? 'met' : 'NOT met'})`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
