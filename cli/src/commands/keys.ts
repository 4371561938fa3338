import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';

interface GenerateArgs extends GlobalArgs {
  out: string;
}

const generate: CommandModule<GlobalArgs, GenerateArgs> = {
  command: 'generate',
  describe: 'Create an Ed25519 signing key pair (private.pem mode 0600, public.pem)',
  builder: (y) =>
    y
      .option('out', {
        type: 'string',
        demandOption: true,
        describe: 'Folder to write private.pem and public.pem into',
      })
      .example('$0 keys generate --out keys/registry', 'a key pair for signing the registry index'),
  handler: async (args) => {
    const { writeKeyPair } = await import('../signing-key.js');
    const files = await writeKeyPair(args.out);
    if (args.json) {
      process.stdout.write(
        `${JSON.stringify({ ok: true, key_id: files.keyId, private_key: files.privatePath, public_key: files.publicPath }, null, 2)}\n`,
      );
    } else {
      process.stdout.write(
        `key id ${files.keyId}\n  private ${files.privatePath} (keep it secret)\n  public  ${files.publicPath}\n`,
      );
    }
  },
};

export const keysCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'keys <command>',
  describe: 'Manage signing keys',
  builder: (y: Argv<GlobalArgs>) =>
    y.command(generate).demandCommand(1, 'name a keys subcommand, e.g. `keys generate`'),
  handler: () => {},
};
