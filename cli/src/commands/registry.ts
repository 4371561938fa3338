import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';
import { registryBuildCommand } from './registry-build.js';
import { registryServeCommand } from './registry-serve.js';
import { registryVerifyCommand } from './registry-verify.js';
import { registryYankCommand } from './registry-yank.js';

export const registryCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'registry <command>',
  describe: 'Build, verify, yank and serve a signed connector registry',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .command(registryBuildCommand as never)
      .command(registryVerifyCommand as never)
      .command(registryYankCommand as never)
      .command(registryServeCommand as never)
      .demandCommand(1, 'name a registry subcommand, e.g. `registry build`'),
  handler: () => {},
};
