import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JobForgeError, writeFileAtomic } from '@jobforge/sdk';
import { listTemplates } from './list-templates.js';
import { JOBFORGE_VERSION } from './project-kind.js';

const TEMPLATES = fileURLToPath(new URL('../../templates/project/', import.meta.url));
/** Template names → file names: npm drops `.gitignore` and dot folders are easy to lose in tarballs. */
const RENAMES: [RegExp, string][] = [
  [/^gitignore$/, '.gitignore'],
  [/^github\//, '.github/'],
];
/** Entries a folder may hold and still count as empty. */
const IGNORED = new Set(['.git']);

export interface InitProjectOptions {
  /** The folder of the new connectors repository (created if missing). */
  dir: string;
  /** Also init a folder that is not empty; existing files are still never overwritten. */
  force?: boolean;
}

export interface InitProjectResult {
  dir: string;
  /** Files written, relative to `dir`. */
  written: string[];
  /** Files that already existed and were left as they were (only with `force`). */
  kept: string[];
  /** The range given to @jobforge/cli and @jobforge/sdk. */
  range: string;
}

/**
 * Makes a new connectors repository: package.json (depending on @jobforge/cli and @jobforge/sdk
 * at this release's range), tsconfig.json, .gitignore, a README, a `connectors/` folder and a CI
 * workflow that validates, tests, and builds the signed registry on tags. Refuses a folder that is
 * not empty unless `force`; even then it writes only files that do not exist.
 *
 * @example
 * await initProject({ dir: 'acme-connectors' });
 */
export async function initProject(options: InitProjectOptions): Promise<InitProjectResult> {
  const dir = resolve(options.dir);
  const existing = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    if (error.code === 'ENOTDIR')
      throw new JobForgeError('INIT_NOT_A_FOLDER', `${dir} is a file, not a folder`, {
        where: dir,
        hint: 'name a new or empty folder',
      });
    throw error;
  });
  const occupied = existing.filter((name) => !IGNORED.has(name));
  if (occupied.length > 0 && !options.force)
    throw new JobForgeError(
      'INIT_NOT_EMPTY',
      `${dir} is not empty (${occupied.slice(0, 5).join(', ')}${occupied.length > 5 ? ', …' : ''})`,
      {
        where: dir,
        hint: 'init a new or empty folder, or pass --force to add only the files that are missing (none is overwritten)',
      },
    );
  const Handlebars = createRequire(import.meta.url)('handlebars') as typeof import('handlebars');
  const handlebars = Handlebars.create();
  handlebars.registerHelper(
    'json',
    (value: unknown) => new Handlebars.SafeString(JSON.stringify(value)),
  );
  const range = `^${JOBFORGE_VERSION}`;
  const view = { name: packageName(basename(dir)), range };
  const result: InitProjectResult = { dir, written: [], kept: [], range };
  await mkdir(join(dir, 'connectors'), { recursive: true });
  for (const template of await listTemplates(TEMPLATES)) {
    let target = template.replace(/\.hbs$/, '');
    for (const [pattern, replacement] of RENAMES) target = target.replace(pattern, replacement);
    const path = join(dir, target);
    if (await exists(path)) {
      result.kept.push(target);
      continue;
    }
    const source = await readFile(join(TEMPLATES, template), 'utf8');
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, handlebars.compile(source, { noEscape: true, strict: true })(view));
    result.written.push(target);
  }
  result.written.sort();
  return result;
}

/** An npm package name from a folder name: lower case, the characters npm allows. */
function packageName(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+|[._-]+$/g, '');
  return name || 'jobforge-connectors';
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
