import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTypes } from '../toolkit/src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const TARGETS = [
  {
    schema: 'registry/schema/metadata.schema.json',
    out: 'toolkit/src/generated/metadata.ts',
    name: 'ConnectorMetadata',
  },
  {
    schema: 'registry/schema/golden.schema.json',
    out: 'toolkit/src/generated/golden.ts',
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
  }).concat(renderIndexValidator());
}

/**
 * The index schema's validator, compiled ahead of time by ajv's standalone code generator: the host
 * client checks every index it loads without installing ajv (the code needs no ajv runtime).
 */
function renderIndexValidator(): { path: string; source: string } {
  const schemaPath = 'registry/schema/index.schema.json';
  const out = 'registry/src/generated/index-schema-validator.ts';
  // ajv is a devDependency of the registry: needed to generate, never by the code generated.
  const require = createRequire(join(root, 'registry/package.json'));
  const { Ajv2020 } = require('ajv/dist/2020.js') as {
    Ajv2020: new (options: object) => { compile(schema: object): unknown };
  };
  const standalone = require('ajv/dist/standalone').default as (ajv: object, fn: unknown) => string;
  // The same options the registry used when it compiled this schema at run time.
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    allowUnionTypes: true,
    code: { source: true, esm: true },
  });
  const validate = ajv.compile(JSON.parse(readFileSync(join(root, schemaPath), 'utf8')));
  const code = standalone(ajv, validate);
  const header = [
    `// Generated from ${schemaPath} by scripts/generate-metadata-types.ts (ajv standalone); do not edit.`,
    '// @ts-nocheck',
    '/* eslint-disable */',
    '',
  ].join('\n');
  return { path: join(root, out), source: `${header}${code}\n` };
}
