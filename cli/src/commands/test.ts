import type { CommandModule } from 'yargs';
import { CONNECTOR_PATHS_ARG } from '../connector-paths-arg.js';
import type { GlobalArgs } from '../global-args.js';

interface TestArgs extends GlobalArgs {
  paths: string[];
}

export const testCommand: CommandModule<GlobalArgs, TestArgs> = {
  command: 'test [paths..]',
  describe:
    "Run connectors' golden contract cases (deterministic ones twice) and check the contract",
  builder: (y) =>
    y
      .positional('paths', CONNECTOR_PATHS_ARG)
      .example('$0 test', 'every connector under connectors/')
      .example('$0 test connectors/echo --json', 'machine-readable results'),
  handler: async (args) => {
    const { testConnectors } = await import('../golden/test-connectors.js');
    const { printGolden } = await import('../golden/print-golden.js');
    const reports = await testConnectors(args.paths);
    const ok = reports.every((r) => r.ok);
    if (args.json)
      process.stdout.write(`${JSON.stringify({ ok, connectors: reports }, null, 2)}\n`);
    else
      process.stdout.write(
        printGolden(reports, Boolean(process.stdout.isTTY) && !process.env.NO_COLOR),
      );
    if (!ok) process.exitCode = 1;
  },
};
