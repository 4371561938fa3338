import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';

interface HashArgs extends GlobalArgs {
  file: string;
}

export const hashCommand: CommandModule<GlobalArgs, HashArgs> = {
  command: 'hash [file]',
  describe: 'Print the sha256 of the RFC 8785 canonical form of a JSON document',
  builder: (y) =>
    y
      .positional('file', {
        type: 'string',
        default: '-',
        describe: 'JSON file, or - for standard input',
      })
      .example('$0 hash output.json', 'the hash evidence records as output_hash')
      .example('echo \'{"b":1,"a":2}\' | $0 hash', 'same hash as {"a":2,"b":1}'),
  handler: async (args) => {
    const { canonicalize, sha256Hex } = await import('@jobforge/sdk');
    const { readText } = await import('../io/read-text.js');
    const { parseJson } = await import('../io/parse-json.js');
    const source = args.file === '-' ? 'standard input' : args.file;
    const canonical = canonicalize(parseJson(await readText(args.file, 'JSON file'), source));
    const sha256 = sha256Hex(canonical);
    if (args.json)
      process.stdout.write(
        `${JSON.stringify({ sha256, canonical_bytes: Buffer.byteLength(canonical) })}\n`,
      );
    else process.stdout.write(`${sha256}\n`);
  },
};
