import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';
import { type QueueArgs, withQueueOptions } from '../queue-args.js';

interface DbArgs extends QueueArgs {
  action: 'migrate';
  strict: boolean;
}

export const dbCommand: CommandModule<GlobalArgs, DbArgs> = {
  command: 'db <action>',
  describe: 'Database tasks: `migrate` applies the queue migrations',
  builder: (y) =>
    withQueueOptions(
      y
        .positional('action', { choices: ['migrate'] as const, demandOption: true })
        .option('strict', {
          type: 'boolean',
          default: false,
          describe: 'Exit 1 when the database is unsafe for tenants (a writable "public" schema)',
        }),
    ).example(
      'DATABASE_URL=postgres://app@db/jobs $0 db migrate',
      'migrate a PostgreSQL server',
    ) as never,
  handler: async (args) => {
    const { describeSchemaSafety, inspectSchemaSafety, migrate } = await import('@jobforge/queue');
    const { withQueue } = await import('../queue-args.js');
    await withQueue(args, async ({ driver, description }) => {
      const result = await migrate(driver);
      const warnings = describeSchemaSafety(await inspectSchemaSafety(driver));
      if (warnings.length > 0 && args.strict) process.exitCode = 1;
      if (args.json) {
        const ok = !(warnings.length > 0 && args.strict);
        process.stdout.write(
          `${JSON.stringify({ ok, database: description, ...result, warnings }, null, 2)}\n`,
        );
        return;
      }
      for (const warning of warnings) process.stderr.write(`\n!! WARNING: ${warning}\n\n`);
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
