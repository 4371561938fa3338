import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';

interface DoctorArgs extends GlobalArgs {
  connectors: string;
}

export const doctorCommand: CommandModule<GlobalArgs, DoctorArgs> = {
  command: 'doctor',
  describe: 'Check the environment: Node version, signing key, connectors, database',
  builder: (y) =>
    y.option('connectors', {
      type: 'string',
      default: 'connectors',
      describe: 'Folder of connectors to look at',
    }),
  handler: async (args) => {
    const { runDoctor } = await import('../doctor/run-doctor.js');
    const { checkDatabaseSafety } = await import('../doctor/check-database-safety.js');
    const databaseUrl = process.env.DATABASE_URL;
    const results = await runDoctor({
      cwd: process.cwd(),
      connectorsDir: args.connectors,
      env: process.env,
      ...(databaseUrl ? { extraChecks: [() => checkDatabaseSafety(databaseUrl)] } : {}),
    });
    if (args.json) {
      process.stdout.write(
        `${JSON.stringify({ ok: results.every((r) => r.status !== 'fail'), checks: results }, null, 2)}\n`,
      );
    } else {
      const mark = { ok: '✓', warn: '!', fail: '✗' } as const;
      for (const r of results)
        process.stdout.write(
          `${mark[r.status]} ${r.name.padEnd(12)} ${r.detail}${r.fix ? `\n  ${' '.repeat(12)} fix: ${r.fix}` : ''}\n`,
        );
    }
    if (results.some((r) => r.status === 'fail')) process.exitCode = 1;
  },
};
