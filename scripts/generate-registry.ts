// Builds a registry directory from connectors/, as `jobforge registry build` does (same flags):
//   pnpm exec tsx scripts/generate-registry.ts --output DIR [--key FILE] [--connectors DIR]
// A thin wrapper: it runs the CLI's own entry, so the two can never disagree.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = join(dirname(fileURLToPath(import.meta.url)), '../cli/bin/jobforge.mjs');
const args = process.argv.slice(2).map((arg) => (arg === '--output' ? '--out' : arg));
const run = spawnSync(process.execPath, [bin, 'registry', 'build', ...args], { stdio: 'inherit' });
process.exitCode = run.status ?? 2;
