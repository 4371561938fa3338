import type { CommandModule } from 'yargs';
import { CONNECTOR_PATHS_ARG } from '../connector-paths-arg.js';
import type { GlobalArgs } from '../global-args.js';

interface TestArgs extends GlobalArgs {
  paths: string[];
  record?: boolean;
  live?: boolean;
}

export const testCommand: CommandModule<GlobalArgs, TestArgs> = {
  command: 'test [paths..]',
  describe:
    "Run connectors' golden contract cases (deterministic ones twice) and check the contract",
  builder: (y) =>
    y
      .positional('paths', CONNECTOR_PATHS_ARG)
      .option('record', {
        type: 'boolean',
        describe:
          "Run the cases against the live service once and write each case's HTTP exchanges, redacted, to test/fixtures/recordings/",
      })
      .option('live', {
        type: 'boolean',
        describe:
          'Run the cases against the live service, bypassing the recordings (nothing is written)',
      })
      .conflicts('record', 'live')
      .example('$0 test', 'every connector under connectors/')
      .example('$0 test connectors/echo --json', 'machine-readable results')
      .example('$0 test connectors/http-request --record', 'record the HTTP of its cases once')
      .epilogue(
        'By default the cases replay their recordings: no network at all, and a request that matches no recorded exchange fails the case with a diff. Real secrets for --record and --live come from JOBFORGE_SECRET_<NAME>.',
      ),
  handler: async (args) => {
    const { testConnectors } = await import('../golden/test-connectors.js');
    const { printGolden } = await import('../golden/print-golden.js');
    const http = args.record ? 'record' : args.live ? 'live' : 'replay';
    const reports = await testConnectors(args.paths, { http });
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
