// The errors subpath alone: the sdk's index loads zod, which --version and --help never need.
import { JobForgeError } from '@jobforge/sdk/errors';
import yargs from 'yargs';
import { CLI_VERSION } from './cli-version.js';
import { apikeysCommand } from './commands/apikeys.js';
import { auditCommand } from './commands/audit.js';
import { createCommand } from './commands/create.js';
import { dbCommand } from './commands/db.js';
import { demoCommand } from './commands/demo.js';
import { docsCommand } from './commands/docs.js';
import { doctorCommand } from './commands/doctor.js';
import { enqueueCommand } from './commands/enqueue.js';
import { eventsCommand } from './commands/events.js';
import { hashCommand } from './commands/hash.js';
import { impactCommand } from './commands/impact.js';
import { initCommand } from './commands/init.js';
import { jobsCommand } from './commands/jobs.js';
import { keysCommand } from './commands/keys.js';
import { mcpCommand } from './commands/mcp.js';
import { policyCommand } from './commands/policy.js';
import { pruneCommand } from './commands/prune.js';
import { registryCommand } from './commands/registry.js';
import { replayCommand } from './commands/replay.js';
import { runCommand } from './commands/run.js';
import { runsCommand } from './commands/runs.js';
import { serveCommand } from './commands/serve.js';
import { templatesCommand } from './commands/templates.js';
import { testCommand } from './commands/test.js';
import { triggersCommand } from './commands/triggers.js';
import { validateCommand } from './commands/validate.js';
import { verifyCommand } from './commands/verify.js';
import { workerCommand } from './commands/worker.js';
import { EXIT } from './exit-codes.js';
import { reportError } from './report-error.js';

/** Runs the CLI with the given arguments; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const cli = yargs(argv)
    .scriptName('jobforge')
    .usage(
      '$0 <command> [options]\n\nScaffold, validate, test, publish and run JobForge connectors.',
    )
    .option('json', { type: 'boolean', default: false, describe: 'Machine-readable output' })
    .command(runCommand as never)
    .command(verifyCommand as never)
    .command(hashCommand as never)
    .command(keysCommand as never)
    .command(demoCommand as never)
    .command(doctorCommand as never)
    .command(validateCommand as never)
    .command(registryCommand as never)
    .command(docsCommand as never)
    .command(testCommand as never)
    .command(createCommand as never)
    .command(initCommand as never)
    .command(dbCommand as never)
    .command(enqueueCommand as never)
    .command(workerCommand as never)
    .command(jobsCommand as never)
    .command(eventsCommand as never)
    .command(triggersCommand as never)
    .command(templatesCommand as never)
    .command(policyCommand as never)
    .command(auditCommand as never)
    .command(serveCommand as never)
    .command(apikeysCommand as never)
    .command(mcpCommand as never)
    .command(runsCommand as never)
    .command(impactCommand as never)
    .command(replayCommand as never)
    .command(pruneCommand as never)
    .demandCommand(1, 'name a command; `jobforge --help` lists them')
    .strict()
    .recommendCommands()
    .version(CLI_VERSION)
    .alias('h', 'help')
    .wrap(Math.min(110, process.stdout.columns || 100))
    .epilogue(
      'Exit codes: 0 ok · 1 the check failed · 2 usage or environment error · 3 internal error',
    )
    .fail((message, error) => {
      // Throwing stops yargs from running the handler after a failed validation.
      if (error) throw error;
      throw new JobForgeError('USAGE', message, { hint: 'run with --help for usage' });
    })
    .exitProcess(false);
  try {
    await cli.parseAsync();
  } catch (error) {
    return reportError(error, json);
  }
  return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
}
