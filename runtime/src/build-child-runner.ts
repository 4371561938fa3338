import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { writeBundle } from './write-bundle.js';

const cache = new Map<string, Promise<{ path: string; integrity: string }>>();

/**
 * Bundles the child's entry (`child/child-main.ts`) into one plain JS file in the cache, once per
 * process and cache folder, so children start with bare `node` and no loader.
 */
export function buildChildRunner(cacheDir: string): Promise<{ path: string; integrity: string }> {
  let pending = cache.get(cacheDir);
  if (!pending) {
    pending = (async () => {
      // Beside this module: child-main.ts in the workspace's sources, child-main.js once compiled.
      const compiled = import.meta.url.endsWith('.js');
      const entry = fileURLToPath(
        new URL(`./child/child-main.${compiled ? 'js' : 'ts'}`, import.meta.url),
      );
      const result = await build({
        entryPoints: [entry],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        write: false,
        logLevel: 'silent',
      });
      return writeBundle(cacheDir, 'runner', result.outputFiles[0]!.contents);
    })();
    cache.set(cacheDir, pending);
    pending.catch(() => cache.delete(cacheDir));
  }
  return pending;
}
