import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';

interface DocsArgs extends GlobalArgs {
  connectors: string;
  out: string;
  registry?: string;
  check: boolean;
}

export const docsCommand: CommandModule<GlobalArgs, DocsArgs> = {
  command: 'docs',
  describe: 'Render a Markdown page per connector, an index page and the HTML catalog',
  builder: (y) =>
    y
      .option('connectors', {
        type: 'string',
        default: 'connectors',
        describe: 'Folder of connector folders',
      })
      .option('out', { type: 'string', default: 'docs/connectors', describe: 'Where the pages go' })
      .option('registry', {
        type: 'string',
        describe: 'Registry directory whose index lists the published versions',
      })
      .option('check', {
        type: 'boolean',
        default: false,
        describe: 'Write nothing; exit 1 when the pages in --out are out of date',
      })
      .example('$0 docs', 'regenerate docs/connectors/')
      .example('$0 docs --check', 'fail when the committed pages drifted'),
  handler: async (args) => {
    const { docsDrift, renderDocs, writeDocs } = await import('@jobforge/toolkit');
    const files = await renderDocs({
      connectorsDir: args.connectors,
      ...(args.registry ? { registry: args.registry } : {}),
    });
    if (args.check) {
      const drift = await docsDrift(args.out, files);
      const stale = [...drift.changed, ...drift.stale];
      if (args.json)
        process.stdout.write(`${JSON.stringify({ ok: stale.length === 0, ...drift }, null, 2)}\n`);
      else if (stale.length === 0)
        process.stdout.write(`✓ ${args.out} is up to date (${files.size} files)\n`);
      else
        process.stderr.write(
          `✗ ${args.out} is out of date: ${drift.changed
            .map((f) => `${f} (changed)`)
            .concat(drift.stale.map((f) => `${f} (no longer generated)`))
            .join(', ')}\n  fix: run \`jobforge docs --out ${args.out}\` and commit the result\n`,
        );
      if (stale.length > 0) process.exitCode = 1;
      return;
    }
    const written = await writeDocs(args.out, files);
    if (args.json)
      process.stdout.write(`${JSON.stringify({ ok: true, out: args.out, written }, null, 2)}\n`);
    else
      process.stdout.write(
        `${args.out}: ${files.size} files, ${written.length} changed${written.length ? ` (${written.join(', ')})` : ''}\n`,
      );
  },
};
