// Registry benchmark: build a registry of 1,000 generated connectors (cold, then unchanged), then
// resolve + verify the 1,000-connector index and load one connector through the client, then the
// scale of resolve + verify at 1,000 and 10,000 connectors (registry-scale.ts).
// Prints figures against the goals of issue 4; asserts nothing. Run: npm run bench:registry
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateSigningKeyPair } from '@jobforge/sdk';
import {
  buildRegistry,
  createRegistryClient,
  serveRegistry,
  validateConnectors,
} from '../../registry/src/index.js';
import {
  greetingSource,
  tempDir,
  writeConnector,
} from '../../registry/test/helpers/connector-tree.js';
import { measureScale } from './registry-scale.js';

const COUNT = 1000;
const work = tempDir('bench-registry');
const connectors = join(work, 'connectors');
const out = join(work, 'registry');
const pair = generateSigningKeyPair();

/**
 * CPU time (ms) used so far by this process and its esbuild service child (from /proc, Linux). The
 * machine is shared, so wall time swings with other work; CPU time is what the build itself costs.
 */
function cpuMs(): number {
  const own = process.cpuUsage();
  let childTicks = 0;
  try {
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue;
      }
      // Fields after the ")" that ends the command name: state ppid … utime(14) stime(15).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === process.pid && stat.includes('(esbuild)'))
        childTicks += Number(fields[11]) + Number(fields[12]);
    }
  } catch {
    // No /proc: only this process's time is counted.
  }
  return (own.user + own.system) / 1000 + childTicks * 10; // USER_HZ is 100
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
const ms = (n: number) => `${n.toFixed(1)} ms`;
const verdict = (value: number, goal: number) => (value <= goal ? '✓' : '✗');

try {
  for (let i = 0; i < COUNT; i++) {
    const id = `gen-${String(i).padStart(4, '0')}`;
    writeConnector(connectors, { id, source: greetingSource(`hello #${i}`) });
  }

  let t = performance.now();
  await validateConnectors([connectors], { against: false });
  const validateMs = performance.now() - t;

  let cpu = cpuMs();
  t = performance.now();
  const cold = await buildRegistry({
    connectorsDir: connectors,
    outDir: out,
    key: pair.privateKeyPem,
  });
  const coldMs = performance.now() - t;
  const coldCpu = cpuMs() - cpu;
  cpu = cpuMs();

  t = performance.now();
  const warm = await buildRegistry({
    connectorsDir: connectors,
    outDir: out,
    key: pair.privateKeyPem,
  });
  const warmMs = performance.now() - t;
  const warmCpu = cpuMs() - cpu;
  if (warm.written.length !== 0 || warm.bundled !== 0)
    throw new Error('the unchanged rebuild wrote or bundled something');

  // Resolve + verify: a fresh client each time (read index.json and its signature, check the
  // signature and digest, parse and schema-check the index, resolve one spec).
  const resolveTimes: number[] = [];
  for (let i = 0; i < 30; i++) {
    const client = createRegistryClient({
      registry: out,
      trustedKeys: [pair.publicKeyPem],
      cacheDir: join(work, 'cache'),
    });
    const t0 = performance.now();
    await client.resolve('gen-0500@^1');
    resolveTimes.push(performance.now() - t0);
  }
  const served = await serveRegistry(out);
  const httpTimes: number[] = [];
  for (let i = 0; i < 30; i++) {
    const client = createRegistryClient({
      registry: served.url,
      trustedKeys: [pair.publicKeyPem],
      cacheDir: join(work, 'cache'),
    });
    const t0 = performance.now();
    await client.resolve('gen-0500@^1');
    httpTimes.push(performance.now() - t0);
  }

  // Load one connector: fetch its artifact over HTTP (verify integrity, cache), import it, call it.
  const client = createRegistryClient({
    registry: served.url,
    trustedKeys: [pair.publicKeyPem],
    cacheDir: join(work, 'cache-load'),
  });
  const { connector, version } = await client.resolve('gen-0999@^1');
  t = performance.now();
  const artifact = await client.fetchArtifact(connector.id, version);
  const fn = (await import(pathToFileURL(artifact.path).href)).default;
  const loadMs = performance.now() - t;
  const result = await fn({ input: { operation: 'gen-0999.greet', payload: { name: 'bench' } } });
  await served.close();

  const index = cold.index;
  const size = Buffer.byteLength(JSON.stringify(index));
  console.log(
    `Registry benchmark (${COUNT} generated connectors; Node ${process.version}; ${new Date().toISOString().slice(0, 10)})`,
  );
  console.log('');
  console.log(`  validate ${COUNT} connectors (part of every build)   ${ms(validateMs)}`);
  console.log(
    `  cold build (validate, bundle, sign, write)          wall ${ms(coldMs)} = ${(coldMs / COUNT).toFixed(2)} ms/connector ${verdict(coldMs / COUNT, 15)}; CPU ${(coldCpu / COUNT).toFixed(2)} ms/connector ${verdict(coldCpu / COUNT, 15)}   (goal ≤ 15 ms per connector)`,
  );
  console.log(
    `  unchanged rebuild (0 bundled, 0 files written)      wall ${ms(warmMs)} ${verdict(warmMs, 1000)}; CPU ${ms(warmCpu)} ${verdict(warmCpu, 1000)}   (goal ≤ 1000 ms)`,
  );
  console.log(
    `  resolve + verify, index of ${COUNT} (${(size / 1024).toFixed(0)} KiB), from a dir   median ${ms(median(resolveTimes))} (min ${ms(Math.min(...resolveTimes))}) of 30 ${verdict(median(resolveTimes), 50)}   (goal ≤ 50 ms)`,
  );
  console.log(
    `  resolve + verify, same index over HTTP (127.0.0.1)  median ${ms(median(httpTimes))} (min ${ms(Math.min(...httpTimes))}) of 30`,
  );
  console.log(
    `  load one connector (fetch over HTTP, verify, cache, import)   ${ms(loadMs)}   → ${JSON.stringify(result.data)}`,
  );
  const phases = (t: typeof cold.timings) =>
    `validate ${ms(t.validateMs)} · cache lookup ${ms(t.lookupMs)} · bundle ${ms(t.bundleMs)} · write ${ms(t.writeMs)}`;
  const os = await import('node:os');
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(', ');
  console.log(
    '  CPU = this process + its esbuild service (from /proc): what the work itself costs. Wall time',
  );
  console.log(
    `  also counts waiting for cores held by other work: load average ${load} on ${os.cpus().length} cores.`,
  );
  console.log('');
  console.log(`  cold build phases:      ${phases(cold.timings)}`);
  console.log(`  unchanged build phases: ${phases(warm.timings)}`);
  console.log(
    `  artifacts: ${cold.bundled} bundled (esbuild, 100 entries per call); ${cold.written.length} files written; signed by ${cold.keyid?.slice(0, 16)}…`,
  );
  console.log('');
  console.log('  Scale (indexes synthesized from the first connector):');
  for (const line of await measureScale(cold.index, work)) console.log(`  ${line}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
