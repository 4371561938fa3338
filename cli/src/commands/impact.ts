import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';
import { withQueueOptions } from '../queue-args.js';
import { type RunArgs, runLookupOf, withRunOptions } from '../runs/run-args.js';

interface ImpactArgs extends RunArgs {
  action: 'show';
  run: string;
}

export const impactCommand: CommandModule<GlobalArgs, ImpactArgs> = {
  command: 'impact <action>',
  describe: 'What a run did: connector, calls, denials, output, artifacts, and whether it verifies',
  builder: (y) =>
    withRunOptions(
      withQueueOptions(
        y.positional('action', { choices: ['show'] as const, demandOption: true }).option('run', {
          type: 'string',
          demandOption: true,
          describe: 'Run id: <job id> or <job id>.<attempt>',
        }),
      ),
    ).example('$0 impact show --run 42', 'what job 42 did, checked against the host key') as never,
  handler: async (args) => {
    const { withQueue } = await import('../queue-args.js');
    const { readRunRecord } = await import('../runs/read-run-record.js');
    const { explainRun, formatImpact } = await import('@jobforge/runtime');
    await withQueue(args, async ({ driver }) => {
      const run = await readRunRecord(driver, args.run, runLookupOf(args));
      const impact = explainRun(run);
      process.stdout.write(
        args.json ? `${JSON.stringify(impact, null, 2)}\n` : formatImpact(impact),
      );
      if (!impact.verified) process.exitCode = 1;
    });
  },
};
