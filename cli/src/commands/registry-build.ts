import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';

interface BuildArgs extends GlobalArgs {
  connectors: string;
  out: string;
  key?: string;
  'dry-run': boolean;
  resign: boolean;
  'valid-days': number;
}

export const registryBuildCommand: CommandModule<GlobalArgs, BuildArgs> = {
  command: 'build',
  describe: 'Validate and bundle every connector, then write the signed index and artifacts',
  builder: (y) =>
    y
      .option('connectors', {
        type: 'string',
        default: 'connectors',
        describe: 'Folder of connector folders',
      })
      .option('out', {
        type: 'string',
        default: 'registry-index',
        describe: 'Registry directory (existing versions are kept)',
      })
      .option('key', {
        type: 'string',
        describe: 'Private key (PEM) that signs the index; without it the index is unsigned',
      })
      .option('dry-run', {
        type: 'boolean',
        default: false,
        describe: 'Validate, bundle and merge, write nothing',
      })
      .option('resign', {
        type: 'boolean',
        default: false,
        describe: 'Sign again with a new serial and expiry even if nothing changed',
      })
      .option('valid-days', {
        type: 'number',
        default: 30,
        describe: 'Days a new signature holds; clients refuse it after (INDEX_EXPIRED)',
      })
      .example(
        '$0 registry build --out dist/registry --key keys/registry/private.pem',
        'a signed registry',
      )
      .example(
        '$0 registry build --out dist/registry --key k.pem --resign',
        'renew the signature before it expires (run it from a schedule)',
      )
      .example(
        'SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) $0 registry build --key k.pem',
        'stamp new versions reproducibly',
      ),
  handler: async (args) => {
    const { buildRegistry } = await import('@jobforge/registry');
    if (!(args['valid-days'] > 0 && args['valid-days'] <= 3650)) {
      const { JobForgeError } = await import('@jobforge/sdk');
      throw new JobForgeError('USAGE', '--valid-days must be between 1 and 3650', {
        hint: 'the default, 30, suits a registry re-signed from a weekly schedule',
      });
    }
    const { readPrivateKey } = await import('../signing-key.js');
    const key = args.key ? await readPrivateKey(args.key) : undefined;
    const result = await buildRegistry({
      connectorsDir: args.connectors,
      outDir: args.out,
      dryRun: args['dry-run'],
      ...(key ? { key } : {}),
      signing: { resign: args.resign, validityMs: args['valid-days'] * 24 * 3600 * 1000 },
    });
    if (args.json) {
      const { index: _index, ...rest } = result;
      process.stdout.write(`${JSON.stringify({ ok: true, ...rest }, null, 2)}\n`);
      return;
    }
    const lines = result.built.map(
      (b) =>
        `  ${b.state === 'added' ? '+' : '='} ${b.id}@${b.version}  ${b.integrity}  ${b.size} bytes`,
    );
    const versions = result.index.connectors.reduce((n, c) => n + c.versions.length, 0);
    lines.push(
      `${args['dry-run'] ? 'would write' : 'wrote'} ${result.outDir}: ${result.index.connectors.length} connectors, ${versions} versions (${result.bundled} bundled, ${result.cached} unchanged from cache; ${result.written.length} files changed)`,
      result.keyid
        ? `signed by ${result.keyid.slice(0, 16)}…`
        : 'UNSIGNED: no --key given; hosts refuse this index unless they opt out of verification',
    );
    if (result.warnings.length > 0)
      lines.push(
        `${result.warnings.length} validation warnings (\`jobforge validate ${args.connectors}\` lists them)`,
      );
    process.stdout.write(`${lines.join('\n')}\n`);
  },
};
