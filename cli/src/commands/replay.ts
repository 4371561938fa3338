import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';
import { withQueueOptions } from '../queue-args.js';
import { type RunArgs, runLookupOf, withRunOptions } from '../runs/run-args.js';

interface ReplayArgs extends RunArgs {
  run: string;
  connectors: string;
  artifact?: string;
  version?: string;
  key?: string;
}

export const replayCommand: CommandModule<GlobalArgs, ReplayArgs> = {
  command: 'replay',
  describe: 'Run a recorded run again on its input and recorded HTTP, offline; compare the output',
  builder: (y) =>
    withRunOptions(
      withQueueOptions(
        y
          .option('run', {
            type: 'string',
            demandOption: true,
            describe: 'Run id: <job id> or <job id>.<attempt>',
          })
          .option('connectors', {
            type: 'string',
            default: 'connectors',
            describe: 'Folder of connector folders',
          })
          .option('artifact', {
            type: 'string',
            describe: 'Replay against this connector folder, whatever its integrity',
          })
          .option('version', { type: 'string', describe: 'Replay against this connector version' })
          .option('key', {
            type: 'string',
            describe: "Private key (PEM) that signs the replay's evidence",
          }),
      ),
    )
      .example('$0 replay --run 42', 'identical, or where the output differs')
      .example(
        '$0 replay --run 42 --artifact ./connectors-next/echo',
        'check a change against it',
      ) as never,
  handler: async (args) => {
    const { withQueue } = await import('../queue-args.js');
    const { resolveSigningKey } = await import('../signing-key.js');
    const { createRuntime } = await import('@jobforge/runtime');
    const { replayRecordedRun, formatReplay } = await import('../runs/replay-recorded-run.js');
    const { key } = await resolveSigningKey(args.key, () => {});
    const runtime = await createRuntime({ signingKey: key, pool: { maxChildren: 1, warm: 0 } });
    try {
      await withQueue(args, async ({ driver }) => {
        const result = await replayRecordedRun(driver, runtime, args.run, {
          connectorsDir: args.connectors,
          ...(args.artifact ? { artifact: args.artifact } : {}),
          ...(args.version ? { version: args.version } : {}),
          ...runLookupOf(args),
        });
        process.stdout.write(
          args.json ? `${JSON.stringify(result, null, 2)}\n` : formatReplay(result),
        );
        if (!result.identical) process.exitCode = 1;
      });
    } finally {
      await runtime.close();
    }
  },
};
