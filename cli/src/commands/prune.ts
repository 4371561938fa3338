import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';
import { type QueueArgs, withQueueOptions } from '../queue-args.js';

interface PruneArgs extends QueueArgs {
  'older-than': string;
  status?: string[];
  'dry-run': boolean;
  tenant?: string;
  'artifacts-dir'?: string;
}

export const pruneCommand: CommandModule<GlobalArgs, PruneArgs> = {
  command: 'prune',
  describe: "Delete finished jobs' results, attempts, run events and artifacts older than an age",
  builder: (y) =>
    withQueueOptions(
      y
        .option('older-than', {
          type: 'string',
          demandOption: true,
          describe: 'Age since the job last changed: 30d, 12h, 90m, 45s',
        })
        .option('status', {
          type: 'string',
          array: true,
          coerce: (v: string[]) => v.flatMap((s) => s.split(',')).filter(Boolean),
          describe: 'Only jobs in these statuses (default succeeded,dead,canceled)',
        })
        .option('dry-run', { type: 'boolean', default: false, describe: 'Count, delete nothing' })
        .option('tenant', { type: 'string', describe: 'Only this tenant' })
        .option('artifacts-dir', {
          type: 'string',
          describe: 'Folder of large run artifacts (default .jobforge/artifacts)',
        }),
    ).example(
      '$0 prune --older-than 30d --status succeeded,dead --dry-run',
      'what would go',
    ) as never,
  handler: async (args) => {
    const { withQueue } = await import('../queue-args.js');
    const { openRunStores } = await import('../runs/run-stores.js');
    const { parseAge, pruneRuns } = await import('../runs/prune-runs.js');
    const { auditPrune } = await import('../runs/audit-prune.js');
    const olderThan = parseAge(args['older-than']);
    await withQueue(args, async ({ driver }) => {
      const stores = await openRunStores(driver, {
        ...(args.tenant ? { tenantId: args.tenant } : {}),
        ...(args['artifacts-dir'] ? { artifactsDir: args['artifacts-dir'] } : {}),
      });
      const totals = await pruneRuns(stores, {
        olderThan,
        ...(args.status ? { statuses: args.status } : {}),
        dryRun: args['dry-run'],
      });
      await auditPrune(driver, totals, {
        olderThan: args['older-than'],
        ...(args.tenant ? { tenantId: args.tenant } : {}),
        ...(args.status ? { statuses: args.status } : {}),
      });
      process.stdout.write(
        args.json
          ? `${JSON.stringify(totals)}\n`
          : `${args['dry-run'] ? 'would prune' : 'pruned'} ${totals.jobs} job(s): ${totals.results} result(s), ${totals.attempts} attempt(s), ${totals.events} event(s), ${totals.manifests} manifest(s), ${totals.blobs} stored artifact(s), ${totals.files} file(s)\n`,
      );
    });
  },
};
