import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';

interface YankArgs extends GlobalArgs {
  spec: string;
  dir: string;
  key?: string;
  reason?: string;
}

export const registryYankCommand: CommandModule<GlobalArgs, YankArgs> = {
  command: 'yank <spec>',
  describe: 'Mark one published version yanked (kept, never resolved) and re-sign the index',
  builder: (y) =>
    y
      .positional('spec', { type: 'string', demandOption: true, describe: '<id>@<exact version>' })
      .option('dir', { type: 'string', default: 'registry-index', describe: 'Registry directory' })
      .option('key', { type: 'string', describe: 'Private key (PEM) to re-sign a signed index' })
      .option('reason', { type: 'string', describe: 'Why, shown to hosts that ask for it' })
      .example(
        '$0 registry yank echo@1.0.1 --key keys/registry/private.pem --reason "drops messages"',
        'yank one version',
      ),
  handler: async (args) => {
    const { JobForgeError } = await import('@jobforge/sdk');
    const { yankVersion } = await import('@jobforge/registry');
    const { readPrivateKey } = await import('../signing-key.js');
    const match = /^([^@]+)@(.+)$/.exec(args.spec);
    if (!match)
      throw new JobForgeError('INVALID_SPEC', `${args.spec} is not <id>@<version>`, {
        where: 'spec',
        hint: 'name one exact version, e.g. echo@1.0.1',
      });
    const key = args.key ? await readPrivateKey(args.key) : undefined;
    const { alreadyYanked } = await yankVersion(args.dir, match[1]!, match[2]!, {
      ...(key ? { key } : {}),
      ...(args.reason ? { reason: args.reason } : {}),
    });
    if (args.json)
      process.stdout.write(
        `${JSON.stringify({ ok: true, yanked: args.spec, alreadyYanked }, null, 2)}\n`,
      );
    else
      process.stdout.write(
        alreadyYanked ? `${args.spec} was already yanked\n` : `yanked ${args.spec}\n`,
      );
  },
};
