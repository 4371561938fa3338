import { mkdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JobForgeError, writeFileAtomic } from '@jobforge/sdk';
import { RECORDING_SCHEMA_PATH } from '@jobforge/sdk/testing';
import { REGISTRY_SCHEMA_DIR } from '../registry-schema-dir.js';
import { listTemplates } from './list-templates.js';
import { findJobforgeWorkspace, jobforgeRange } from './project-kind.js';
import { checkScaffoldAnswers, type ScaffoldAnswers } from './scaffold-answers.js';

const TEMPLATES = fileURLToPath(new URL('../../templates/connector/', import.meta.url));
const SCHEMAS = REGISTRY_SCHEMA_DIR;

export interface ScaffoldResult {
  /** The new connector folder. */
  dir: string;
  /** Files written, relative to `dir`. */
  files: string[];
  /** The JobForge workspace the folder is in (its package.json uses `workspace:*`), if any. */
  workspace?: string;
}

/**
 * Writes a new connector folder `<parent>/<id>/` from the handlebars templates in
 * templates/connector/: metadata.json, src/index.ts, test/golden.json, a unit test, README.md and
 * package.json. Refuses an invalid id (naming the rule) and an existing folder; never overwrites.
 *
 * @example
 * await scaffoldConnector({ id: 'acme-crm', parent: 'connectors', auth: 'api_key' });
 */
export async function scaffoldConnector(input: ScaffoldAnswers): Promise<ScaffoldResult> {
  const answers = checkScaffoldAnswers(input);
  const dir = resolve(answers.parent, answers.id);
  // handlebars is CommonJS and only create needs it: required here, so importing the registry
  // package (every `jobforge validate`) does not pay for loading it.
  const Handlebars = createRequire(import.meta.url)('handlebars') as typeof import('handlebars');
  const handlebars = Handlebars.create();
  // json: a JSON value as biome formats it inline; ts: a single-quoted TypeScript string literal.
  handlebars.registerHelper(
    'json',
    (value: unknown) => new Handlebars.SafeString(inlineJson(value)),
  );
  handlebars.registerHelper('ts', (value: string) => new Handlebars.SafeString(tsString(value)));
  await mkdir(dirname(dir), { recursive: true });
  try {
    await mkdir(dir); // not recursive: fails when the folder exists, so nothing is overwritten
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      throw new JobForgeError('CONNECTOR_EXISTS', `${dir} already exists`, {
        where: dir,
        hint: 'choose another id or --dir; create never overwrites a folder',
      });
    throw error;
  }
  const secret =
    answers.auth === 'none'
      ? undefined
      : `${answers.id.toUpperCase().replace(/-/g, '_')}_${secretSuffix(answers.auth)}`;
  const workspace = findJobforgeWorkspace(dir);
  const view = {
    ...answers,
    sdkRange: jobforgeRange(workspace !== undefined),
    secret,
    firstJobType: answers.jobTypes[0],
    packageName: `@jobforge-connectors/${answers.id}`,
    schemaRef: toPosix(relative(dir, join(SCHEMAS, 'metadata.schema.json'))),
    goldenSchemaRef: toPosix(relative(join(dir, 'test'), join(SCHEMAS, 'golden.schema.json'))),
    recordingSchemaRef: toPosix(
      relative(join(dir, 'test/fixtures/recordings'), RECORDING_SCHEMA_PATH),
    ),
  };
  const files: string[] = [];
  try {
    for (const template of await listTemplates(TEMPLATES)) {
      const target = template
        .replace(/\.hbs$/, '')
        .replace(/connector\.test\.ts$/, `${answers.id}.test.ts`);
      const source = await readFile(join(TEMPLATES, template), 'utf8');
      const render = handlebars.compile(source, { noEscape: true, strict: true });
      await writeFileAtomic(join(dir, target), render(view));
      files.push(target);
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true }); // never leave half a connector behind
    throw error;
  }
  return { dir, files: files.sort(), ...(workspace ? { workspace } : {}) };
}

function secretSuffix(auth: string): string {
  return auth === 'api_key' ? 'API_KEY' : auth === 'oauth2' ? 'OAUTH_TOKEN' : 'CREDENTIALS';
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}

function inlineJson(value: unknown): string {
  return Array.isArray(value)
    ? `[${value.map((v) => JSON.stringify(v)).join(', ')}]`
    : JSON.stringify(value);
}

function tsString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
