import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';

interface CreateArgs extends GlobalArgs {
  id: string;
  dir: string;
  name?: string;
  description?: string;
  auth?: string;
  'job-type'?: string[];
  yes: boolean;
}

export const createCommand: CommandModule<GlobalArgs, CreateArgs> = {
  command: 'create <id>',
  describe: 'Scaffold a connector folder that validates and passes its tests as generated',
  builder: (y) =>
    y
      .positional('id', {
        type: 'string',
        demandOption: true,
        describe: 'Connector id: lower-case letters, digits and hyphens (e.g. acme-crm)',
      })
      .option('dir', { type: 'string', default: 'connectors', describe: 'Create <dir>/<id>/' })
      .option('name', { type: 'string', describe: 'Display name (default: from the id)' })
      .option('description', { type: 'string', describe: 'One or two sentences' })
      .option('auth', {
        choices: ['none', 'api_key', 'oauth2', 'basic'],
        describe: 'How it authenticates (default: none)',
      })
      .option('job-type', {
        type: 'string',
        array: true,
        describe: 'An action ("sync" becomes "<id>.sync"); repeat for more (default: run)',
      })
      .option('yes', {
        alias: 'y',
        type: 'boolean',
        default: false,
        describe: 'Take defaults for everything not given; never prompt',
      })
      .example('$0 create acme-crm --auth api_key --job-type sync --yes', 'no questions asked'),
  handler: async (args) => {
    const { scaffoldConnector, checkScaffoldAnswers } = await import('@jobforge/toolkit');
    const { askMissing } = await import('../create/ask-missing.js');
    const given = {
      id: args.id,
      parent: args.dir,
      ...(args.name !== undefined ? { name: args.name } : {}),
      ...(args.description !== undefined ? { description: args.description } : {}),
      ...(args.auth !== undefined ? { auth: args.auth as 'none' } : {}),
      ...(args['job-type'] ? { jobTypes: args['job-type'] } : {}),
    };
    checkScaffoldAnswers(given); // reject a bad id before asking anything
    const interactive = !args.yes && !args.json && Boolean(process.stdin.isTTY);
    const answers = interactive ? await askMissing(given) : given;
    const result = await scaffoldConnector(answers);
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ ok: true, ...result }, null, 2)}\n`);
      return;
    }
    const { relative } = await import('node:path');
    const shown = relative(process.cwd(), result.dir) || '.';
    // Inside the JobForge workspace its set-up script installs; in a connectors repository, npm.
    const install = result.workspace
      ? `node ${relative(process.cwd(), result.workspace) || '.'}/scripts/setup.mjs   # install its dependencies`
      : 'npm install                      # install its dependencies';
    process.stdout.write(
      `✓ created ${shown}/\n${result.files.map((f) => `  ${f}`).join('\n')}\n\nNext:\n  ${install}\n  npx jobforge validate ${shown}\n  npx jobforge test ${shown}\n`,
    );
  },
};
