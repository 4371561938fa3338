import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { JobForgeError } from '@jobforge/sdk/errors';

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts', '.tsx']);

/**
 * Imports a connector's entry module in this process. A TypeScript entry is compiled with esbuild
 * first (its relative imports bundled, packages left as imports), so the installed CLI runs
 * connectors written in TypeScript with plain Node and no loader. The compiled file is named by
 * its content and kept under the connector's `node_modules/.cache/jobforge/`, where the connector's
 * packages resolve exactly as they would from its sources; importing the same entry twice gives the
 * same module.
 *
 * A package the entry imports but its repository never installed fails with
 * `ENTRY_PACKAGE_MISSING`, naming the package and the `npm install` to run.
 *
 * @example
 * const module = await importEntry('connectors/acme/src/index.ts', 'connectors/acme');
 */
export async function importEntry(entry: string, connectorDir: string): Promise<unknown> {
  const file = TYPESCRIPT.has(extname(entry)) ? await compileEntry(entry, connectorDir) : entry;
  try {
    return await import(pathToFileURL(file).href);
  } catch (error) {
    throw missingPackage(error, entry) ?? error;
  }
}

async function compileEntry(entry: string, connectorDir: string): Promise<string> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const cacheDir = join(connectorDir, 'node_modules', '.cache', 'jobforge');
  const out = join(cacheDir, `${basename(entry, extname(entry))}-${hash}.mjs`);
  if (!existsSync(out)) {
    await mkdir(cacheDir, { recursive: true });
    // Written beside its final name, then renamed: a parallel run never imports half a file.
    const partial = `${out}.${process.pid}.tmp`;
    await writeFile(partial, code);
    await rename(partial, out);
  }
  return out;
}

function missingPackage(error: unknown, entry: string): JobForgeError | undefined {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  if (code !== 'ERR_MODULE_NOT_FOUND' || typeof message !== 'string') return undefined;
  const name = /Cannot find package '([^']+)'/.exec(message)?.[1];
  if (!name) return undefined;
  return new JobForgeError(
    'ENTRY_PACKAGE_MISSING',
    `${entry} imports the package "${name}", which is not installed where the connector can load it`,
    {
      where: dirname(entry),
      hint: `run \`npm install ${name}\` in the connectors repository (and add it to the connector's package.json)`,
      cause: error,
    },
  );
}
