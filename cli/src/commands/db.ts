import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';
import { type QueueArgs, withQueueOptions } from '../queue-args.js';

interface DbArgs extends QueueArgs {
  action: 'migrate';
}

export const dbCommand: CommandModule<GlobalArgs, DbArgs> = {
  command: 'db <action>',
  describe: 'Database tasks: `migrate` applies the queue migrations',
  builder: (y) =>
    withQueueOptions(
      y.positional('action', { choices: ['migrate'] as const, demandOption: true }),
    ).example(
      'DATABASE_URL=postgres://app@db/jobs $0 db migrate',
      'migrate a PostgreSQL server',
    ) as never,
  handler: async (args) => {
    const { migrate } = await import('@jobforge/queue');
    const { withQueue } = await import('../queue-args.js');
    await withQueue(args, async ({ driver, description }) => {
      const result = await migrate(driver);
      if (args.json) {
        process.stdout.write(
          `${JSON.stringify({ ok: true, database: description, ...result }, null, 2)}\n`,
        );
        return;
      }
      const lines = [`${description}:`];
      for (const m of result.applied) lines.push(`  applied ${m}`);
      for (const m of result.concurrent)
        lines.push(`  ${m} was applied by another migrate running now`);
      if (result.applied.length === 0 && result.concurrent.length === 0)
        lines.push(`  up to date (${result.present.length} migrations)`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
  },
};
