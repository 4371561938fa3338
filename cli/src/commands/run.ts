import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';

interface RunArgs extends GlobalArgs {
  connector: string;
  input: string;
  operation?: string;
  tenant?: string;
  trace?: string;
  timeout?: number;
  'dry-run': boolean;
  key?: string;
  evidence?: string;
  stats?: boolean;
  registry?: string;
  trust?: string[];
  'allow-untrusted'?: boolean;
  'allow-hosts'?: string[];
  policy?: string;
}

export const runCommand: CommandModule<GlobalArgs, RunArgs> = {
  command: 'run <connector>',
  describe: 'Run one connector in the sandbox and sign the evidence of the run',
  builder: (y) =>
    y
      .positional('connector', {
        type: 'string',
        demandOption: true,
        describe: 'Connector folder (holding metadata.json), or <id>@<range> with --registry',
      })
      .option('input', {
        type: 'string',
        demandOption: true,
        describe: 'The payload: inline JSON, or @file (@- for stdin)',
      })
      .option('operation', {
        type: 'string',
        describe: 'Job type to run (default: the first supported_job_types entry)',
      })
      .option('tenant', { type: 'string', describe: 'Tenant id recorded in the evidence' })
      .option('trace', {
        type: 'string',
        describe: 'Trace id recorded in the evidence (default: a random UUID)',
      })
      .option('timeout', { type: 'number', describe: 'Per-attempt timeout in ms (default 30000)' })
      .option('dry-run', {
        type: 'boolean',
        default: false,
        describe:
          'context.dry_run: only GET, HEAD and OPTIONS leave the host; the evidence says so',
      })
      .option('key', {
        type: 'string',
        describe: 'Private key (PEM) to sign the evidence (default: a development key)',
      })
      .option('evidence', {
        type: 'string',
        describe: 'Also write the signed evidence envelope to this file',
      })
      .option('stats', {
        type: 'boolean',
        default: false,
        describe:
          'Also print the runtime stats (calls, errors by code, durations, pool, isolation)',
      })
      .option('registry', {
        type: 'string',
        describe: 'Resolve <connector> as <id>@<range> from this registry (directory or URL)',
      })
      .option('trust', {
        type: 'string',
        array: true,
        describe: "The registry's public key (PEM) to check its signature; repeat for several",
      })
      .option('allow-untrusted', {
        type: 'boolean',
        describe: 'Load an unsigned or untrusted registry anyway (with a warning)',
      })
      .option('allow-hosts', {
        type: 'string',
        array: true,
        describe:
          'With --registry: hosts a version may ask network access to (comma-separated or repeated; none: "")',
      })
      .option('policy', {
        type: 'string',
        describe:
          'With --registry: a JSON file { "network": [...], "secrets": [...] }; versions asking for more are not chosen',
      })
      .example(
        '$0 run echo@^1 --registry registry-index --trust keys/registry/public.pem --input \'{"message":"hi"}\'',
        'run a connector resolved through a signed registry',
      )
      .example('$0 run connectors/echo --input \'{"message":"hi"}\'', 'run the echo connector')
      .example(
        '$0 run connectors/echo --input @payload.json --json > run.json',
        'machine-readable result',
      )
      .example(
        '$0 run connectors/echo --input \'{"message":"hi"}\' --stats',
        'also print the runtime stats',
      ),
  handler: async (args) => {
    const { JobForgeError, writeFileAtomic } = await import('@jobforge/sdk');
    const { readJsonArg } = await import('../io/read-json-arg.js');
    const { resolveSigningKey } = await import('../signing-key.js');
    const { runSandboxed } = await import('../run-sandboxed.js');
    if (args.timeout !== undefined && (!Number.isInteger(args.timeout) || args.timeout < 1)) {
      throw new JobForgeError(
        'INVALID_FLAG',
        `--timeout must be a positive integer of ms, got ${args.timeout}`,
        { where: '--timeout' },
      );
    }
    const payload = await readJsonArg(args.input, '--input');
    const { readHostPolicy } = await import('../host-policy.js');
    const permissions = await readHostPolicy(args.policy, args['allow-hosts']);
    if (permissions && !args.registry)
      throw new JobForgeError(
        'INVALID_FLAG',
        '--allow-hosts and --policy choose among registry versions; they need --registry',
        { where: args['allow-hosts'] ? '--allow-hosts' : '--policy' },
      );
    const target = args.registry
      ? await (await import('../registry-connector.js')).resolveFromRegistry(args.connector, {
          registry: args.registry,
          trust: args.trust ?? [],
          allowUntrusted: args['allow-untrusted'] ?? false,
          ...(permissions ? { permissions } : {}),
          warn: (text) =>
            process.stderr.write(`warning: ${text}
`),
        })
      : args.connector;
    const { key } = await resolveSigningKey(args.key, (text) => process.stderr.write(`${text}\n`));
    const { run, stats, id } = await runSandboxed(target, {
      payload,
      key,
      ...(args.operation ? { operation: args.operation } : {}),
      ...(args.tenant ? { tenantId: args.tenant } : {}),
      ...(args.trace ? { traceId: args.trace } : {}),
      ...(args.timeout ? { timeoutMs: args.timeout } : {}),
      ...(args['dry-run'] ? { dryRun: true } : {}),
    });
    if (args.evidence)
      await writeFileAtomic(args.evidence, `${JSON.stringify(run.evidence, null, 2)}\n`);
    if (args.json) {
      process.stdout.write(`${JSON.stringify(args.stats ? { ...run, stats } : run, null, 2)}\n`);
    } else {
      if (run.ok) process.stdout.write(`✓ ${id} succeeded\n${JSON.stringify(run.data, null, 2)}\n`);
      else
        process.stdout.write(
          `✗ ${id} failed: ${run.error.code}: ${run.error.message}${run.error.retryable ? ' (retryable)' : ''}\n`,
        );
      process.stdout.write(
        `evidence signed by ${run.evidence.signatures[0]?.keyid.slice(0, 16)}…${args.evidence ? ` → ${args.evidence}` : ' (use --evidence FILE or --json to keep it)'}\n`,
      );
      if (args.stats) {
        const { formatStats } = await import('../format-stats.js');
        process.stdout.write(formatStats(stats));
      }
    }
    if (!run.ok) process.exitCode = 1;
  },
};
