import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

// cli/scripts/bundle.mjs answers string-width for printable ASCII itself (ascii-string-width.mjs):
// the same string-width yargs imports is bundled with and without that plugin, and both must agree.
const pluginUrl = pathToFileURL(join(import.meta.dirname, '../scripts/ascii-string-width.mjs'));
const { asciiStringWidth } = (await import(pluginUrl.href)) as { asciiStringWidth: Plugin };
const yargsDir = realpathSync(join(import.meta.dirname, '../node_modules/yargs'));
const work = mkdtempSync(join(tmpdir(), 'jobforge-bundle-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

type StringWidth = (text: string, options?: { ambiguousIsNarrow?: boolean }) => number;

async function bundled(name: string, plugins: Plugin[]): Promise<StringWidth> {
  const outfile = join(work, `${name}.mjs`);
  await build({
    stdin: { contents: "export { default } from 'string-width';", resolveDir: yargsDir },
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    plugins,
    logLevel: 'silent',
  });
  return ((await import(pathToFileURL(outfile).href)) as { default: StringWidth }).default;
}

const SAMPLES = [
  '',
  '--json  Machine-readable output  [boolean] [default: false]',
  Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join(''),
  '\u001b[31mred\u001b[39m',
  'tab\there',
  'line\nbreak',
  '日本語のヘルプ',
  'emoji 👍🏽 and 🇩🇪',
  'e\u0301',
  '\u00a7 ambiguous \u00b1',
];

describe('the bundled string-width', () => {
  it('answers as string-width does, for ASCII and every other text', async () => {
    const real = await bundled('real', []);
    const fast = await bundled('fast', [asciiStringWidth]);
    for (const text of SAMPLES)
      for (const options of [undefined, { ambiguousIsNarrow: false }])
        expect([text, fast(text, options)]).toEqual([text, real(text, options)]);
  });
});
