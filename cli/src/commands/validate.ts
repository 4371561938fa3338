import type { CommandModule } from 'yargs';
import { CONNECTOR_PATHS_ARG } from '../connector-paths-arg.js';
import type { GlobalArgs } from '../global-args.js';

interface ValidateArgs extends GlobalArgs {
  paths: string[];
  format: 'pretty' | 'json' | 'github';
  strict: boolean;
  against?: string | false;
  'load-entries': boolean;
}

export const validateCommand: CommandModule<GlobalArgs, ValidateArgs> = {
  command: 'validate [paths..]',
  describe: 'Check connector folders: schema, semantic and release rules, every problem at once',
  builder: (y) =>
    y
      .positional('paths', CONNECTOR_PATHS_ARG)
      .option('format', {
        choices: ['pretty', 'json', 'github'] as const,
        default: 'pretty' as const,
        describe:
          'pretty (code frames; colour on a TTY), json (stable, for tools), github (annotations)',
      })
      .option('strict', { type: 'boolean', default: false, describe: 'Warnings fail too' })
      .option('against', {
        type: 'string',
        describe:
          'Published index (registry dir, index.json or URL) for the release rules; --no-against skips them',
      })
      .option('load-entries', {
        type: 'boolean',
        default: false,
        describe:
          'Also import each entry to compare its zod inputSchema with input_schema (runs connector code)',
      })
      .example('$0 validate', 'every connector under connectors/')
      .example('$0 validate connectors/echo --format github', 'annotations for a workflow'),
  handler: async (args) => {
    // The validate subpath: the toolkit's index also loads golden and contract testing.
    const { validateConnectors } = await import('@jobforge/toolkit/validate');
    const { printValidation } = await import('../diagnostics/print-validation.js');
    const result = await validateConnectors(args.paths, {
      ...(args.against !== undefined ? { against: args.against } : {}),
      loadEntries: args['load-entries'],
    });
    process.exitCode = printValidation(result, {
      format: args.json ? 'json' : args.format,
      strict: args.strict,
    });
  },
};
