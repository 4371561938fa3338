// Registry scale: resolve + verify with a fresh client (read index.json and its signature, check
// signature, digest and serial, parse depth-bounded, schema- and shape-check, resolve one spec) on
// indexes of 1,000 and 10,000 single-version connectors, synthesized from one built connector so
// the figures need no 10,000-connector build. Run alone (npx tsx --conditions=@jobforge/source
// scripts/bench/registry-scale.ts) or as the last part of `npm run bench:registry`.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateSigningKeyPair } from '@jobforge/sdk';
import {
  buildRegistry,
  createRegistryClient,
  memorySerialStore,
  type RegistryIndex,
  signIndex,
} from '../../registry/src/index.js';
import { tempDir, writeConnector } from '../../registry/test/helpers/connector-tree.js';

const SIZES = [1_000, 10_000];
const RUNS = 10;
/** The client's cap on index.json (registry-source.ts). */
const CAP = 64 * 1024 * 1024;

export async function measureScale(template: RegistryIndex, dir: string): Promise<string[]> {
  const pair = generateSigningKeyPair();
  const [first] = template.connectors;
  if (!first) throw new Error('the template index has no connector');
  const rows: string[] = [];
  for (const count of SIZES) {
    const out = join(dir, `scale-${count}`);
    mkdirSync(out, { recursive: true });
    const connectors = Array.from({ length: count }, (_, i) => {
      const id = `gen-${String(i).padStart(5, '0')}`;
      return { ...structuredClone(first), id };
    });
    const bytes = Buffer.from(`${JSON.stringify({ ...template, connectors }, null, 2)}\n`);
    writeFileSync(join(out, 'index.json'), bytes);
    writeFileSync(
      join(out, 'index.dsse.json'),
      JSON.stringify(signIndex(bytes, pair.privateKeyPem)),
    );
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const client = createRegistryClient({
        registry: out,
        trustedKeys: [pair.publicKeyPem],
        cacheDir: join(dir, 'cache'),
        serials: memorySerialStore(),
      });
      const t0 = performance.now();
      await client.resolve(`gen-${String(count - 1).padStart(5, '0')}@^1`);
      times.push(performance.now() - t0);
    }
    const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
    const perConnector = bytes.length / count;
    rows.push(
      `| ${count.toLocaleString('en')} | ${(bytes.length / 1048576).toFixed(1)} MiB | ${median.toFixed(1)} ms | ${((median * 1000) / count).toFixed(0)} µs | ~${Math.floor(CAP / perConnector).toLocaleString('en')} |`,
    );
  }
  return [
    '| connectors | index.json | resolve + verify (median of 10, fresh client) | per connector | connectors that fit the 64 MiB cap |',
    '|---|---|---|---|---|',
    ...rows,
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const work = tempDir('bench-scale');
  try {
    const connectors = join(work, 'connectors');
    writeConnector(connectors, { id: 'gen-00000' });
    const built = await buildRegistry({ connectorsDir: connectors, outDir: join(work, 'one') });
    console.log(
      `Registry scale (Node ${process.version}; ${new Date().toISOString().slice(0, 10)})`,
    );
    for (const line of await measureScale(built.index, work)) console.log(line);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
