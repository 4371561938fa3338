import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';

interface VerifyArgs extends GlobalArgs {
  registry: string;
  'public-key': string[];
  timeout: number;
}

export const registryVerifyCommand: CommandModule<GlobalArgs, VerifyArgs> = {
  command: 'verify <registry>',
  describe: "Check a registry's signature and every artifact's integrity; report each problem",
  builder: (y) =>
    y
      .positional('registry', {
        type: 'string',
        demandOption: true,
        describe: 'Registry directory or http(s) URL',
      })
      .option('public-key', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'Trusted public key (PEM); repeat for several',
      })
      .option('timeout', { type: 'number', default: 10_000, describe: 'Per HTTP request, in ms' })
      .example(
        '$0 registry verify dist/registry --public-key keys/registry/public.pem',
        'check a built registry',
      ),
  handler: async (args) => {
    const { verifyRegistry } = await import('@jobforge/registry');
    const { readPublicKey } = await import('../signing-key.js');
    const keys = await Promise.all(args['public-key'].map((path) => readPublicKey(path)));
    const report = await verifyRegistry(args.registry, keys, { timeoutMs: args.timeout });
    if (args.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else if (report.ok)
      process.stdout.write(
        `✓ ${args.registry}: signed by ${report.keyid?.slice(0, 16)}…, ${report.connectors} connectors, ${report.versions} artifacts intact\n`,
      );
    else {
      const lines = report.problems.map((p) => `  ${p.code}: ${p.message}\n    at ${p.where}`);
      process.stderr.write(
        `✗ ${args.registry}: ${report.problems.length} problem(s)\n${lines.join('\n')}\n`,
      );
    }
    if (!report.ok) process.exitCode = 1;
  },
};
