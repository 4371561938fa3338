#!/usr/bin/env node
// Runs the CLI from its TypeScript sources: workspace packages resolve to their `src/` through the
// `@jobforge/source` export condition, and tsx compiles on the fly (connector entries too).
import { register } from 'node:module';

register('./source-condition.mjs', import.meta.url);
const { register: registerTsx } = await import('tsx/esm/api');
registerTsx();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
