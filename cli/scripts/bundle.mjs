#!/usr/bin/env node
// Bundles the compiled CLI (dist/main.js and everything it imports, yargs included) into
// bundle/: what the installed `jobforge` runs. Node's ES module loader pays for every file it
// resolves, reads and links, and `jobforge --help` reached ~90 of them (30 command modules, ~45 of
// yargs and its helpers) before printing a line: one bundle halves that start-up cost. Code splitting
// keeps each handler's `await import(...)` a chunk of its own, loaded only when that command runs.
// The other @jobforge packages stay imports: they are installed beside the CLI, and a host may share
// them. Run after `tsc -b` (npm run build and scripts/pack.mjs do).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { asciiStringWidth } from './ascii-string-width.mjs';

const cli = join(import.meta.dirname, '..');
// A sibling of dist/, one folder below the package like src/ and dist/ (src/cli-version.ts relies on it).
const outdir = join(cli, 'bundle');
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [join(cli, 'dist/main.js')],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  external: ['@jobforge/*'],
  // dist/*.js carry tsc's source maps: the bundle's map points through them at src/*.ts.
  sourcemap: 'linked',
  plugins: [asciiStringWidth],
  logLevel: 'warning',
});
