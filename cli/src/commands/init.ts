import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';

interface InitArgs extends GlobalArgs {
  dir: string;
  force: boolean;
  yes: boolean;
}

export const initCommand: CommandModule<GlobalArgs, InitArgs> = {
  command: 'init [dir]',
  describe: 'Make a new connectors repository: package.json, tsconfig, README and a CI workflow',
  builder: (y) =>
    y
      .positional('dir', {
        type: 'string',
        default: '.',
        describe: 'The folder (created if missing)',
      })
      .option('force', {
        type: 'boolean',
        default: false,
        describe: 'Init a folder that is not empty, adding only missing files (never overwrites)',
      })
      .option('yes', {
        alias: 'y',
        type: 'boolean',
        default: false,
        describe: 'Never prompt (init asks nothing today; accepted for scripts)',
      })
      .example('$0 init acme-connectors', 'a new repository in ./acme-connectors')
      .example('$0 init . --yes', 'the current (empty) folder'),
  handler: async (args) => {
    const { initProject } = await import('@jobforge/toolkit');
    const result = await initProject({ dir: args.dir, force: args.force });
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ ok: true, ...result }, null, 2)}\n`);
      return;
    }
    const { relative } = await import('node:path');
    const shown = relative(process.cwd(), result.dir) || '.';
    const kept = result.kept.map((f) => `  ${f} (exists, kept)`);
    const cd = shown === '.' ? '' : `  cd ${shown}\n`;
    process.stdout.write(
      `✓ initialised ${shown}/ (@jobforge/cli and @jobforge/sdk ${result.range})\n${[...result.written.map((f) => `  ${f}`), ...kept].join('\n')}\n\nNext:\n${cd}  npm install\n  npx jobforge create my-connector\n  npx jobforge validate --strict\n  npx jobforge test\n`,
    );
  },
};
