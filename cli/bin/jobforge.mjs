#!/usr/bin/env node
// Runs the CLI from its TypeScript sources: workspace packages resolve to their `src/` through the
// `@jobforge/source` export condition, and tsx compiles on the fly (connector entries too).
import { register } from 'node:module';

register('./source-condition.mjs', import.meta.url);
const { register: registerTsx } = await import('tsx/esm/api');
registerTsx();
const { main } = await import('../src/main.ts');
const code = await main(process.argv.slice(2));
// The command is done. A connector may have left timers or sockets behind (a timed-out call
// keeps running in-process), so end the process once what was printed has been flushed.
await new Promise((resolve) => process.stdout.write('', resolve));
await new Promise((resolve) => process.stderr.write('', resolve));
process.exit(code);
