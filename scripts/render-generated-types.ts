import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTypes } from '../registry/src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const TARGETS = [
  {
    schema: 'registry/schema/metadata.schema.json',
    out: 'registry/src/generated/metadata.ts',
    name: 'ConnectorMetadata',
  },
  {
    schema: 'registry/schema/golden.schema.json',
    out: 'registry/src/generated/golden.ts',
    name: 'GoldenCases',
  },
];

/** The generated type files, as they should be committed: generated, then formatted by biome. */
export function renderGeneratedTypes(): { path: string; source: string }[] {
  return TARGETS.map(({ schema, out, name }) => {
    const raw = generateTypes(JSON.parse(readFileSync(join(root, schema), 'utf8')), name, schema);
    const formatted = spawnSync(
      join(root, 'node_modules/.bin/biome'),
      ['format', `--stdin-file-path=${out}`],
      { input: raw, encoding: 'utf8', cwd: root },
    );
    if (formatted.status !== 0)
      throw new Error(`biome could not format ${out}: ${formatted.stderr}`);
    return { path: join(root, out), source: formatted.stdout };
  });
}
