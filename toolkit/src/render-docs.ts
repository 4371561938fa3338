import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseIndex } from '@jobforge/registry';
import { JobForgeError, writeFileAtomic } from '@jobforge/sdk';
import { alignTables } from './align-tables.js';
import { type ConnectorDoc, connectorDoc } from './docs-model.js';
import { validateConnectors } from './validate-connectors.js';

// handlebars is CommonJS; require() gets its API without relying on synthetic default imports.
const Handlebars = createRequire(import.meta.url)('handlebars') as typeof import('handlebars');

/** templates/docs/ of this package. */
export const DOCS_TEMPLATES_DIR = fileURLToPath(new URL('../templates/docs/', import.meta.url));

export interface RenderDocsOptions {
  /** Folder of connector folders. Default `connectors`. */
  connectorsDir?: string;
  /** A registry directory whose index supplies each connector's published versions. */
  registry?: string;
  /** Default: templates/docs/ of this package. */
  templatesDir?: string;
  cwd?: string;
}

/**
 * Renders the docs from handlebars templates: one Markdown page per connector (`<id>.md`), an index
 * page (`README.md`) and the static catalog (`catalog.html`, one page with its data inline). Returns
 * file name → content; the same inputs always give the same text.
 *
 * @example
 * const files = await renderDocs({ connectorsDir: 'connectors' });
 * await writeDocs('docs/connectors', files);
 */
export async function renderDocs(options: RenderDocsOptions = {}): Promise<Map<string, string>> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const root = resolve(cwd, options.connectorsDir ?? 'connectors');
  const { connectors, diagnostics } = await validateConnectors([root], { cwd, against: false });
  const invalid = connectors.filter((c) => !c.valid || !c.metadata);
  if (invalid.length > 0) {
    const first = diagnostics.find((d) => d.severity === 'error');
    throw new JobForgeError(
      'VALIDATION_FAILED',
      `cannot document invalid connectors: ${invalid.map((c) => c.file).join(', ')}${first ? ` (${first.code}: ${first.message})` : ''}`,
      { where: invalid[0]!.file, hint: '`jobforge validate` lists every problem' },
    );
  }
  const index = options.registry
    ? parseIndex(
        await readFile(join(options.registry, 'index.json')),
        join(options.registry, 'index.json'),
      )
    : undefined;
  const docs: ConnectorDoc[] = [];
  for (const c of connectors) {
    const published = index?.connectors.find((p) => p.id === c.metadata!.connector_id);
    docs.push(await connectorDoc(c.dir, c.metadata!, published));
  }
  docs.sort((a, b) => (a.id < b.id ? -1 : 1));
  const templates = await loadTemplates(options.templatesDir ?? DOCS_TEMPLATES_DIR);
  const files = new Map<string, string>();
  files.set('README.md', alignTables(templates.index({ connectors: docs })));
  for (const doc of docs) files.set(`${doc.id}.md`, alignTables(templates.connector(doc)));
  files.set('catalog.html', templates.catalog({ count: docs.length, data: catalogJson(docs) }));
  return files;
}

/** Writes rendered docs atomically, only files whose text changed; returns their names. */
export async function writeDocs(outDir: string, files: Map<string, string>): Promise<string[]> {
  const drift = await docsDrift(outDir, files);
  for (const name of drift.changed) await writeFileAtomic(join(outDir, name), files.get(name)!);
  return drift.changed;
}

/** Which rendered files differ from what is in outDir, and which files there are no longer rendered. */
export async function docsDrift(
  outDir: string,
  files: Map<string, string>,
): Promise<{ changed: string[]; stale: string[] }> {
  const changed: string[] = [];
  for (const [name, text] of files) {
    const current = await readFile(join(outDir, name), 'utf8').catch(() => undefined);
    if (current !== text) changed.push(name);
  }
  const present = await readdir(outDir).catch(() => [] as string[]);
  const stale = present.filter((name) => /\.(md|html)$/.test(name) && !files.has(name));
  return { changed, stale };
}

async function loadTemplates(dir: string) {
  const markdown = Handlebars.create();
  const html = Handlebars.create();
  markdown.registerHelper('cell', (value: unknown) =>
    String(value ?? '')
      .replace(/\|/g, '\\|')
      .replace(/\r?\n/g, ' '),
  );
  markdown.registerHelper('join', (list: unknown, sep: unknown) =>
    Array.isArray(list) ? list.join(typeof sep === 'string' ? sep : ', ') : '',
  );
  markdown.registerHelper('yesno', (value: unknown) => (value ? 'yes' : 'no'));
  markdown.registerHelper('or', (a: unknown, b: unknown) => a || b);
  const read = (name: string) => readFile(join(dir, name), 'utf8');
  return {
    connector: markdown.compile(await read('connector.md.hbs'), { noEscape: true, strict: false }),
    index: markdown.compile(await read('index.md.hbs'), { noEscape: true }),
    catalog: html.compile(await read('catalog.html.hbs')),
  };
}

/** The catalog's data as JSON that is safe inside a <script> element. */
function catalogJson(docs: ConnectorDoc[]): InstanceType<typeof Handlebars.SafeString> {
  const data = docs.map((d) => ({
    id: d.id,
    name: d.name,
    description: d.description,
    version: d.version,
    status: d.status,
    maturity: d.maturity,
    tags: d.tags,
    capabilities: d.capabilities,
    auth: d.auth.required ? d.auth.methods : ['none'],
    jobTypes: d.jobTypes,
    permissions: d.permissions,
    deprecated: d.deprecated ?? null,
    versions: d.versions,
  }));
  const json = JSON.stringify(data).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return new Handlebars.SafeString(json);
}
