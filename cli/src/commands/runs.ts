import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';
import { withQueueOptions } from '../queue-args.js';
import { type RunArgs, runLookupOf, withRunOptions } from '../runs/run-args.js';

interface RunsArgs extends RunArgs {
  action: 'show' | 'artifacts';
  id: string;
  out?: string;
}

export const runsCommand: CommandModule<GlobalArgs, RunsArgs> = {
  command: 'runs <action> <id>',
  describe: 'A recorded run: show <id> (manifest and checks), artifacts <id> --out DIR (the files)',
  builder: (y) =>
    withRunOptions(
      withQueueOptions(
        y
          .positional('action', { choices: ['show', 'artifacts'] as const, demandOption: true })
          .positional('id', {
            type: 'string',
            demandOption: true,
            describe: 'Run id: <job id> (its latest attempt) or <job id>.<attempt>',
          })
          .option('out', {
            type: 'string',
            describe: 'Folder to write the artifacts to (artifacts)',
          }),
      ),
    )
      .example('$0 runs show 42', "the manifest of job 42's latest attempt")
      .example('$0 runs artifacts 42.1 --out run-42', 'write its files, byte-identical') as never,
  handler: async (args) => {
    const { JobForgeError } = await import('@jobforge/sdk');
    const { withQueue } = await import('../queue-args.js');
    const { readRunRecord } = await import('../runs/read-run-record.js');
    const { writeRunArtifacts, formatRunShow } = await import('../runs/format-run.js');
    if (args.action === 'artifacts' && !args.out)
      throw new JobForgeError('MISSING_OUT', 'runs artifacts needs --out DIR', {
        hint: `jobforge runs artifacts ${args.id} --out ./run-${args.id}`,
      });
    await withQueue(args, async ({ driver }) => {
      const run = await readRunRecord(driver, args.id, runLookupOf(args));
      const written = args.action === 'artifacts' ? await writeRunArtifacts(run, args.out!) : [];
      const view = {
        run_id: run.run_id,
        job_status: run.record.job_status,
        manifest_sha256: run.record.manifest_sha256,
        artifacts: run.artifacts,
        verified: run.problems.length === 0,
        problems: run.problems,
        ...(args.action === 'artifacts' ? { written } : {}),
      };
      process.stdout.write(args.json ? `${JSON.stringify(view, null, 2)}\n` : formatRunShow(view));
      if (run.problems.length > 0) process.exitCode = 1;
    });
  },
};
