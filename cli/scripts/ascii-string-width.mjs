// An esbuild plugin for cli/scripts/bundle.mjs.
import { dirname } from 'node:path';

/**
 * yargs measures every cell of a command's help with string-width, and renders that help before
 * running any command (it keeps it for a failure). string-width creates an Intl.Segmenter when it
 * loads (tens of ms: ICU data) and runs two regular expressions per character. Our help is plain
 * ASCII, one column a character whatever the options: each import of string-width gets a wrapper that
 * answers such text itself and loads the real module (with `require`, so esbuild initialises it
 * lazily) only for other text. cli/test/bundle.test.ts checks both answers agree.
 */
export const asciiStringWidth = {
  name: 'ascii-string-width',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.pluginData === 'real') return undefined;
      const real = await b.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        pluginData: 'real',
      });
      if (real.errors.length > 0) return { errors: real.errors };
      return { path: real.path, namespace: 'ascii-string-width' };
    });
    b.onLoad({ filter: /.*/, namespace: 'ascii-string-width' }, (args) => ({
      resolveDir: dirname(args.path),
      contents: `let real;
export default function stringWidth(text, options) {
  if (typeof text === 'string' && /^[\\x20-\\x7e]*$/.test(text)) return text.length;
  real ??= require(${JSON.stringify(args.path)}).default;
  return real(text, options);
}
`,
    }));
  },
};
