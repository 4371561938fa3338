import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTypes, METADATA_AJV_OPTIONS } from '../toolkit/src/index.js';

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
  }).concat(renderValidators());
}

/**
 * JSON Schema validators compiled ahead of time by ajv's standalone code generator, with the options
 * their users compiled them with at run time: the host client checks every index without installing
 * ajv, and `jobforge validate` starts without compiling the metadata schema (the code needs no ajv).
 */
const VALIDATORS = [
  {
    schema: 'registry/schema/index.schema.json',
    out: 'registry/src/generated/index-schema-validator.ts',
    // Stops at the first error: an untrusted index of millions of bad items must not build
    // millions of errors before any is kept.
    options: { allErrors: false, strict: true, allowUnionTypes: true },
  },
  {
    schema: 'registry/schema/metadata.schema.json',
    out: 'toolkit/src/generated/metadata-schema-validator.ts',
    options: METADATA_AJV_OPTIONS,
  },
  {
    schema: 'registry/schema/golden.schema.json',
    out: 'toolkit/src/generated/golden-schema-validator.ts',
    options: METADATA_AJV_OPTIONS,
  },
  // The JSON Schema 2020-12 meta-schema (ajv's copy): checks connectors' input and output schemas.
  {
    schema: 'https://json-schema.org/draft/2020-12/schema',
    out: 'toolkit/src/generated/json-schema-validator.ts',
    options: METADATA_AJV_OPTIONS,
  },
];

function renderValidators(): { path: string; source: string }[] {
  // ajv is a devDependency of the registry: needed to generate, never by the code generated.
  const require = createRequire(join(root, 'registry/package.json'));
  const { Ajv2020 } = require('ajv/dist/2020.js') as {
    Ajv2020: new (
      options: object,
    ) => { compile(schema: object): unknown; getSchema(id: string): unknown };
  };
  const standalone = require('ajv/dist/standalone').default as (ajv: object, fn: unknown) => string;
  return VALIDATORS.map(({ schema, out, options }) => {
    const ajv = new Ajv2020({ ...options, code: { source: true, esm: true } });
    const validate = schema.startsWith('https:')
      ? ajv.getSchema(schema)
      : ajv.compile(JSON.parse(readFileSync(join(root, schema), 'utf8')));
    const code = standalone(ajv, validate);
    const header = [
      `// Generated from ${schema} by scripts/generate-metadata-types.ts (ajv standalone); do not edit.`,
      '// @ts-nocheck',
      // Some keywords (maxLength counts code points) call ajv's small runtime helpers by require.
      ...(code.includes('require(')
        ? [
            "import { createRequire } from 'node:module';",
            'const require = createRequire(import.meta.url);',
          ]
        : []),
      '',
    ].join('\n');
    return { path: join(root, out), source: `${header}${code}\n` };
  });
}
