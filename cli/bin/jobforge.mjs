#!/usr/bin/env node
// The `jobforge` command. Installed from a tarball it runs the compiled JavaScript in bundle/ (the
// CLI and yargs in one file plus a chunk per command's handler: cli/scripts/bundle.mjs) with plain
// Node. Inside the JobForge workspace (src/ beside this folder) it runs the TypeScript sources:
// workspace packages resolve to their `src/` through the `@jobforge/source` export condition and tsx
// compiles on the fly, so tests need no build step. JOBFORGE_CLI=dist runs bundle/ there too
// (after `npm run build`).
import { existsSync } from 'node:fs';

// Before anything else is loaded, in syntax every Node.js since 14 runs: on an older Node this prints
// a coded error (the format of cli/src/report-error.ts) rather than a stack from some later import.
// cli/test/engines.test.ts and scripts/ci/packed-install.sh run it with an older process.versions.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(
    `jobforge: Node.js 20.19 or newer is required; this is ${process.versions.node} [NODE_UNSUPPORTED]\n` +
      '  fix:   install a current Node.js (20.19 or newer, 22 or 24) and run the command again\n',
  );
  process.exit(2);
}

// Node 22.1+ keeps compiled code between runs; every later start of the same version is faster.
const module = await import('node:module');
module.enableCompileCache?.();

// `--version` needs neither the argument parser nor any command: answered before loading them.
const argv = process.argv.slice(2);
if (argv.length === 1 && argv[0] === '--version') {
  const { readFileSync } = await import('node:fs');
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${manifest.version}\n`);
  process.exit(0);
}

const sources = new URL('../src/main.ts', import.meta.url);
let main;
if (existsSync(sources) && process.env.JOBFORGE_CLI !== 'dist') {
  module.register('./source-condition.mjs', import.meta.url);
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
  ({ main } = await import(sources.href));
} else {
  ({ main } = await import('../bundle/main.js'));
}
const code = await main(argv);
// The command is done. A connector may have left timers or sockets behind (a timed-out call
// keeps running in-process), so end the process once what was printed has been flushed.
await new Promise((resolve) => process.stdout.write('', resolve));
await new Promise((resolve) => process.stderr.write('', resolve));
process.exit(code);
