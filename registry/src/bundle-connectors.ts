import { relative, resolve, sep } from 'node:path';
import { JobForgeError } from '@jobforge/sdk';
import type { Message, Metafile } from 'esbuild';
import { integrityOf } from './integrity.js';

/** One connector entry to bundle. */
export interface BundleRequest {
  id: string;
  /** Absolute path of the connector folder. */
  dir: string;
  /** Absolute path of its entry module. */
  entry: string;
}

export interface Bundle {
  code: Uint8Array;
  integrity: string;
  size: number;
  /** Absolute paths of every source file the bundle was made from (for the rebuild cache). */
  inputs: string[];
}

/**
 * Changes whenever the bundling recipe below changes, so cached bundles made by an older recipe are
 * rebuilt. Part of the rebuild cache key together with esbuild's version.
 */
export const BUNDLE_RECIPE = 'esm-node20-source-v1';

// esbuild's ESM output turns a CommonJS dependency's require() of a builtin into a throwing shim;
// giving the module a real require fixes that. Only prepended to bundles that contain CommonJS.
const REQUIRE_SHIM =
  "import { createRequire as __jobforgeCreateRequire } from 'node:module';\nconst require = __jobforgeCreateRequire(import.meta.url);\n";

/**
 * Bundles each connector's entry into one self-contained ES module: npm dependencies and
 * `@jobforge/sdk` inlined (the sdk from its TypeScript source), Node builtins left as imports.
 * Entries go through esbuild a hundred at a time; nothing is executed. Paths in the output
 * are relative to `root`, so the same sources give the same bytes wherever the checkout is.
 * Throws `BUNDLE_FAILED` naming every connector whose bundle failed and why.
 *
 * @example
 * const bundles = await bundleConnectors([{ id: 'echo', dir, entry }], connectorsRoot);
 */
export async function bundleConnectors(
  requests: readonly BundleRequest[],
  root: string,
): Promise<Map<string, Bundle>> {
  const bundles = new Map<string, Bundle>();
  // esbuild's time per entry grows with the number of entries in one call (each entry is linked
  // against the whole module graph), so entries go in chunks, two calls in flight.
  const chunks: BundleRequest[][] = [];
  for (let i = 0; i < requests.length; i += CHUNK) chunks.push(requests.slice(i, i + CHUNK));
  const errors: Message[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < chunks.length) {
      const chunk = chunks[next++]!;
      const built = await bundleChunk(chunk, root);
      if (Array.isArray(built)) errors.push(...built);
      else for (const [id, bundle] of built) bundles.set(id, bundle);
    }
  };
  await Promise.all(Array.from({ length: Math.min(2, chunks.length) }, worker));
  if (errors.length > 0) throw bundleFailure(errors, requests, root);
  // Map order follows the requests, whatever order the chunks finished in.
  return new Map(requests.map((r) => [r.id, bundles.get(r.id)!]));
}

const CHUNK = 100;

/** One esbuild call for a few entries: their bundles, or esbuild's error messages. */
async function bundleChunk(
  requests: readonly BundleRequest[],
  root: string,
): Promise<Map<string, Bundle> | Message[]> {
  const bundles = new Map<string, Bundle>();
  const esbuild = await import('esbuild');
  let result: Awaited<ReturnType<typeof esbuild.build>> & { metafile: Metafile };
  try {
    result = (await esbuild.build({
      absWorkingDir: root,
      entryPoints: Object.fromEntries(requests.map((r, i) => [`c${i}`, r.entry])),
      outdir: 'out',
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      conditions: ['@jobforge/source'],
      charset: 'utf8',
      sourcemap: false,
      logLevel: 'silent',
    })) as typeof result;
  } catch (error) {
    const errors = (error as { errors?: Message[] }).errors;
    if (!errors) throw error;
    return errors;
  }
  const byName = new Map((result.outputFiles ?? []).map((f) => [relative(root, f.path), f]));
  for (const [i, request] of requests.entries()) {
    const name = `out${sep}c${i}.js`;
    const file = byName.get(name);
    const meta = result.metafile.outputs[name.split(sep).join('/')];
    if (!file || !meta) throw new Error(`esbuild produced no output for ${request.entry}`);
    if (!meta.exports.includes('default')) {
      throw new JobForgeError(
        'BUNDLE_FAILED',
        `${request.id}: the entry ${relative(request.dir, request.entry)} has no default export`,
        {
          where: request.entry,
          hint: 'end the module with `export default defineConnector(async (params) => { ... })`',
        },
      );
    }
    const inputs = closure(result.metafile, meta.entryPoint ?? '');
    const cjs = inputs.some((p) => result.metafile.inputs[p]?.format === 'cjs');
    const code = cjs
      ? Buffer.concat([Buffer.from(REQUIRE_SHIM), Buffer.from(file.contents)])
      : Buffer.from(file.contents);
    bundles.set(request.id, {
      code,
      integrity: integrityOf(code),
      size: code.length,
      inputs: inputs.map((p) => resolve(root, p)),
    });
  }
  return bundles;
}

/** Every input file reachable from an entry through the metafile's import graph. */
function closure(metafile: Metafile, entry: string): string[] {
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const path = stack.pop()!;
    if (seen.has(path) || !metafile.inputs[path]) continue;
    seen.add(path);
    for (const next of metafile.inputs[path].imports) if (!next.external) stack.push(next.path);
  }
  return [...seen].sort();
}

function bundleFailure(errors: Message[], requests: readonly BundleRequest[], root: string) {
  const lines: string[] = [];
  const named = new Set<string>();
  for (const error of errors) {
    const file = error.location ? resolve(root, error.location.file) : undefined;
    const owners = requests.filter((r) => file?.startsWith(r.dir + sep));
    const who = owners.length > 0 ? owners : requests;
    for (const owner of who) named.add(owner.id);
    const at = error.location
      ? ` (${error.location.file}:${error.location.line}:${error.location.column + 1})`
      : '';
    lines.push(`${who.map((o) => o.id).join(', ')}: ${error.text}${at}`);
  }
  return new JobForgeError(
    'BUNDLE_FAILED',
    `bundling failed for ${[...named].sort().join(', ')}:\n  ${lines.join('\n  ')}`,
    {
      where: [...named].sort().join(', '),
      hint: 'add the missing dependency to the connector’s package.json (and install), or fix the import; nothing was published',
    },
  );
}
