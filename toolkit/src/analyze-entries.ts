import { init, parse } from 'es-module-lexer';
import { readRegularFile } from './read-regular-file.js';

/** Entry modules larger than this are not analysed (a connector entry is a few KiB). */
const MAX_ENTRY_BYTES = 4 * 1024 * 1024;

/** What static analysis of an entry module tells, without running it. */
export interface EntryFacts {
  /** Exported names ("default" included); empty when the module could not be parsed. */
  exports: string[];
  /** What the default export is, as far as syntax tells. */
  defaultKind: 'function' | 'not-function' | 'unknown' | 'none';
  /** Set when the module does not parse. */
  parseError?: { message: string; line: number; column: number };
}

/**
 * Reads the exports of many entry modules without executing them. es-module-lexer does this in
 * microseconds per file; esbuild (its metafile lists each entry's exports) takes milliseconds, so
 * it is used only for files the lexer cannot read — they are built in one batch, and esbuild's
 * error gives the exact line and column of a syntax error.
 */
export async function analyzeEntries(paths: readonly string[]): Promise<Map<string, EntryFacts>> {
  await init;
  const facts = new Map<string, EntryFacts>();
  const hard: string[] = [];
  for (const path of paths) {
    const read = readRegularFile(path, MAX_ENTRY_BYTES);
    if (!read.ok) {
      facts.set(path, { exports: [], defaultKind: 'unknown' }); // existence is checked elsewhere
      continue;
    }
    const source = read.bytes.toString('utf8');
    try {
      const [, exports] = parse(source, path);
      const names = exports.map((e) => e.n);
      const def = exports.find((e) => e.n === 'default');
      facts.set(path, {
        exports: names,
        defaultKind: def ? classifyDefault(source, def.e, def.ln) : 'none',
      });
    } catch {
      hard.push(path);
    }
  }
  if (hard.length > 0)
    for (const [path, fact] of await analyzeWithEsbuild(hard)) facts.set(path, fact);
  return facts;
}

/** Classifies `export default <expression>` by the expression's first token. */
function classifyDefault(
  source: string,
  end: number,
  local: string | undefined,
): EntryFacts['defaultKind'] {
  const rest = source.slice(end, end + 200).trimStart();
  if (/^(async\s+)?function\b/.test(rest)) return 'function';
  if (/^async\s*(\(|[A-Za-z_$][\w$]*\s*=>)/.test(rest)) return 'function';
  if (/^(\([^()]*\)\s*(:[^=]+)?|[A-Za-z_$][\w$]*\s*)=>/.test(rest)) return 'function';
  if (/^class\b/.test(rest)) return 'not-function';
  if (/^(\{|\[|["'`]|-?\d|(true|false|null|undefined)\b|new\s)/.test(rest)) return 'not-function';
  if (local !== undefined && !rest.startsWith('function') && !rest.startsWith('class')) {
    // export { x as default }: look at how x is declared.
    const declared = new RegExp(
      `(?:const|let|var)\\s+${escapeRe(local)}\\s*(?::[^=]+)?=\\s*([^\\n]{0,40})`,
    ).exec(source);
    if (declared) return classifyDefault(declared[1] ?? '', 0, undefined);
    if (new RegExp(`function\\s+${escapeRe(local)}\\b`).test(source)) return 'function';
    if (new RegExp(`class\\s+${escapeRe(local)}\\b`).test(source)) return 'not-function';
  }
  return 'unknown';
}

function escapeRe(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function analyzeWithEsbuild(paths: string[]): Promise<Map<string, EntryFacts>> {
  const esbuild = await import('esbuild');
  const facts = new Map<string, EntryFacts>();
  const build = (entryPoints: string[]) =>
    esbuild.build({
      entryPoints,
      bundle: false,
      write: false,
      metafile: true,
      outdir: '/jobforge-analysis',
      outbase: '/',
      absWorkingDir: '/',
      format: 'esm',
      logLevel: 'silent',
    });
  let remaining = paths;
  try {
    await build(remaining);
  } catch (error) {
    const failures =
      (
        error as {
          errors?: {
            text: string;
            location?: { file: string; line: number; column: number } | null;
          }[];
        }
      ).errors ?? [];
    for (const failure of failures) {
      const file = failure.location ? `/${failure.location.file.replace(/^\/+/, '')}` : undefined;
      const path = paths.find((p) => p === file) ?? (paths.length === 1 ? paths[0] : undefined);
      if (!path || facts.has(path)) continue;
      facts.set(path, {
        exports: [],
        defaultKind: 'none',
        parseError: {
          message: failure.text,
          line: failure.location?.line ?? 1,
          column: (failure.location?.column ?? 0) + 1,
        },
      });
    }
    remaining = paths.filter((p) => !facts.has(p));
  }
  if (remaining.length > 0) {
    const result = await build(remaining);
    for (const output of Object.values(result.metafile.outputs)) {
      if (!output.entryPoint) continue;
      const path = `/${output.entryPoint.replace(/^\/+/, '')}`;
      facts.set(path, {
        exports: output.exports,
        defaultKind: output.exports.includes('default') ? 'unknown' : 'none',
      });
    }
  }
  return facts;
}
