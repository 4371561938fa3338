// Writes toolkit/src/generated/*.ts from the JSON Schemas in registry/schema/, formatted by biome.
// `npm run generate:types` runs it; toolkit/test/generated-types.test.ts fails when the committed
// files drift from what this produces.
import { writeFileAtomic } from '../sdk/src/index.js';
import { renderGeneratedTypes } from './render-generated-types.js';

for (const { path, source } of renderGeneratedTypes()) {
  await writeFileAtomic(path, source);
  process.stdout.write(`wrote ${path}\n`);
}
