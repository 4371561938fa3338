import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EntryFacts } from './analyze-entries.js';
import { authRule, burstRule, ioSchemaRule, retryRule } from './behaviour-rules.js';
import { type ConnectorCheck, isObject, type Rule } from './connector-check.js';
import { type Diagnostic, type Finding, toDiagnostic } from './diagnostic.js';
import { type ConnectorFolder, discoverConnectors } from './discover-connectors.js';
import { entryFindings } from './entry-findings.js';
import { fileFindings, resolveEntry } from './file-rules.js';
import type { ConnectorMetadata } from './generated/metadata.js';
import {
  deprecatedRule,
  enginesRule,
  folderNameRule,
  jobTypesRule,
  schemaRefRule,
  versionRule,
} from './identity-rules.js';
import { locate } from './locate.js';
import { compiledMetadataValidator } from './metadata-schema.js';
import { DEFAULT_INDEX_DIR, type PublishedIndex, readPublishedIndex } from './published-index.js';
import { readMetadataFile } from './read-metadata-file.js';
import { schemaFindings } from './schema-findings.js';

export interface ValidateOptions {
  /** Base for relative paths and for the file names diagnostics show. Default: process.cwd(). */
  cwd?: string;
  /**
   * The published index for the release rules: a registry directory, index.json or URL; false to
   * skip them. Default: `registry-index/` under cwd when it exists.
   */
  against?: string | false;
  /**
   * Also import each entry module to compare its exported zod `inputSchema` with input_schema. This
   * executes connector code, so it is off by default (`jobforge test` turns it on).
   */
  loadEntries?: boolean;
  /** Largest metadata.json read, in bytes. Default 1 MiB. */
  maxBytes?: number;
}

/** One connector folder that was validated. */
export interface ValidatedConnector {
  dir: string;
  /** metadata.json as diagnostics name it. */
  file: string;
  /** The metadata when it parsed (valid or not: check `valid`). */
  metadata?: ConnectorMetadata;
  /** True when no error-severity diagnostic concerns this connector. */
  valid: boolean;
}

export interface ValidationResult {
  connectors: ValidatedConnector[];
  /** Every problem found, sorted by file, line and column. */
  diagnostics: Diagnostic[];
}

/** The rules that read one connector's metadata alone; order is the order of their diagnostics. */
const RULES: Rule[] = [
  schemaRefRule,
  folderNameRule,
  versionRule,
  enginesRule,
  jobTypesRule,
  burstRule,
  authRule,
  retryRule,
  ioSchemaRule,
  deprecatedRule,
];

/**
 * Validates every connector folder under `paths`: finds them, parses each metadata.json with
 * positions, checks it against the schema (ajv, compiled once) and the semantic rules, analyses each
 * entry without executing it, and applies the release rules against the published index. Returns
 * every problem as data; never throws for bad input.
 *
 * @example
 * const { connectors, diagnostics } = await validateConnectors(['connectors']);
 * for (const d of diagnostics) console.log(`${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`);
 */
export async function validateConnectors(
  paths: readonly string[],
  options: ValidateOptions = {},
): Promise<ValidationResult> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const {
    folders,
    findings: discoveryFindings,
    files: knownFiles,
  } = await discoverConnectors(paths.length > 0 ? paths : ['connectors'], cwd);
  const general: Finding[] = [...discoveryFindings];
  const index = await loadIndex(options.against, cwd, general);
  const validate = compiledMetadataValidator();
  // What only some runs need loads only then (`jobforge validate` starts in a few hundred ms, and
  // each module costs): the release rules (semver) with a published index, the entry analysis
  // (es-module-lexer) when an entry exists, importing entries with --load-entries.
  const release = index ? await import('./release-rules.js') : undefined;

  const states = folders.map((folder) => ({
    folder,
    ...readMetadataFile(folder.metadataPath, folder.file, {
      ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}),
    }),
  }));

  const checks: { check: ConnectorCheck; findings: Finding[]; text: string; entry?: string }[] = [];
  const others: Finding[] = [];
  const unparsed: ConnectorFolder[] = [];
  for (const state of states) {
    const findings = [...state.findings];
    const value = state.parsed?.value;
    if (state.text === undefined || state.parsed?.problem || !isObject(value)) {
      if (state.parsed && !state.parsed.problem)
        findings.push({
          code: 'SCHEMA_TYPE',
          message: `${state.folder.file} must hold a JSON object, found ${Array.isArray(value) ? 'an array' : typeof value}; start from \`jobforge create\``,
          file: state.folder.file,
          pointer: '',
        });
      others.push(...findings);
      unparsed.push(state.folder);
      continue;
    }
    const check: ConnectorCheck = { folder: state.folder, meta: value };
    if (!validate(value))
      findings.push(...schemaFindings(validate.errors ?? [], state.folder.file));
    for (const rule of RULES) findings.push(...rule(check));
    if (index && release) findings.push(...release.releaseFindings(check, index));
    const entry = resolveEntry(check);
    if (typeof entry === 'object') findings.push(entry);
    checks.push({
      check,
      findings,
      text: state.text,
      ...(typeof entry === 'string' ? { entry } : {}),
    });
  }

  // Files beside metadata, then one batched analysis of every entry that exists.
  for (const c of checks) c.findings.push(...fileFindings(c.check, c.entry, knownFiles));
  const entries = checks
    .filter(
      (c) =>
        c.entry &&
        !c.findings.some((f) => f.code === 'ENTRY_NOT_FOUND' || f.code === 'ENTRY_OUTSIDE_FOLDER'),
    )
    .map((c) => c.entry!);
  const facts =
    entries.length > 0
      ? await (await import('./analyze-entries.js')).analyzeEntries(entries)
      : new Map<string, EntryFacts>();
  for (const c of checks) {
    const fact = c.entry ? facts.get(c.entry) : undefined;
    if (fact) c.findings.push(...entryFindings(c.check, c.entry!, fact));
  }
  if (options.loadEntries) await loadAndCompare(checks);
  duplicateIds(checks);

  const diagnostics: Diagnostic[] = [...general, ...others].map(toDiagnostic);
  const connectors: ValidatedConnector[] = [];
  for (const c of checks) {
    const located = locate(c.text, c.findings).map(toDiagnostic);
    diagnostics.push(...located);
    connectors.push({
      dir: c.check.folder.dir,
      file: c.check.folder.file,
      metadata: c.check.meta as unknown as ConnectorMetadata,
      // Its own diagnostics: metadata.json's and those of files beside it (test/golden.json).
      valid: !located.some((d) => d.severity === 'error'),
    });
  }
  for (const folder of unparsed)
    connectors.push({ dir: folder.dir, file: folder.file, valid: false });
  connectors.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
  diagnostics.sort(byPosition);
  return { connectors, diagnostics };
}

async function loadIndex(
  against: string | false | undefined,
  cwd: string,
  findings: Finding[],
): Promise<PublishedIndex | undefined> {
  if (against === false) return undefined;
  const source =
    against ??
    (existsSync(join(cwd, DEFAULT_INDEX_DIR, 'index.json')) ? DEFAULT_INDEX_DIR : undefined);
  if (!source) return undefined;
  const { index, findings: problems } = await readPublishedIndex(source, cwd);
  findings.push(...problems);
  return index;
}

/** Ids are unique across folders: every folder that shares an id gets a diagnostic. */
function duplicateIds(checks: { check: ConnectorCheck; findings: Finding[] }[]): void {
  const byId = new Map<string, { check: ConnectorCheck; findings: Finding[] }[]>();
  for (const c of checks) {
    const id = c.check.meta.connector_id;
    if (typeof id !== 'string') continue;
    byId.set(id, [...(byId.get(id) ?? []), c]);
  }
  for (const [id, group] of byId) {
    if (group.length < 2) continue;
    for (const c of group) {
      const others = group.filter((o) => o !== c).map((o) => o.check.folder.file);
      c.findings.push({
        code: 'ID_DUPLICATE',
        message: `connector_id "${id}" is also declared by ${others.join(', ')}; ids must be unique: rename one of them`,
        file: c.check.folder.file,
        pointer: '/connector_id',
      });
    }
  }
}

async function loadAndCompare(
  checks: { check: ConnectorCheck; findings: Finding[]; entry?: string }[],
): Promise<void> {
  const { importEntry } = await import('./import-entry.js');
  const { zodSchemaFindings } = await import('./zod-schema-findings.js');
  for (const c of checks) {
    if (!c.entry || c.findings.some((f) => f.code.startsWith('ENTRY_'))) continue;
    let module: Record<string, unknown>;
    try {
      module = (await importEntry(c.entry, c.check.folder.dir)) as Record<string, unknown>;
    } catch {
      continue; // a load failure is `jobforge test`'s to report, with the stack
    }
    c.findings.push(...(await zodSchemaFindings(c.check, module.inputSchema)));
  }
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}
