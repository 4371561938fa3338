import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { writeBundle } from './write-bundle.js';

/**
 * The child's entry (beside this module: child-main.ts in the workspace's sources, .js once
 * compiled) bundled into one file: ESM for the runner script, CJS for the startup snapshot.
 */
export async function bundleChild(format: 'esm' | 'cjs'): Promise<Uint8Array> {
  const compiled = import.meta.url.endsWith('.js');
  const result = await build({
    entryPoints: [
      fileURLToPath(new URL(`./child/child-main.${compiled ? 'js' : 'ts'}`, import.meta.url)),
    ],
    bundle: true,
    platform: 'node',
    format,
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.contents;
}

const cache = new Map<string, Promise<{ path: string; integrity: string }>>();

/**
 * Bundles the child's entry (`child/child-main.ts`) into one plain JS file in the cache, once per
 * process and cache folder, so children start with bare `node` and no loader.
 */
export function buildChildRunner(cacheDir: string): Promise<{ path: string; integrity: string }> {
  let pending = cache.get(cacheDir);
  if (!pending) {
    pending = (async () => writeBundle(cacheDir, 'runner', await bundleChild('esm')))();
    cache.set(cacheDir, pending);
    pending.catch(() => cache.delete(cacheDir));
  }
  return pending;
}
