import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';

interface ServeArgs extends GlobalArgs {
  dir: string;
  port: number;
  host: string;
}

export const registryServeCommand: CommandModule<GlobalArgs, ServeArgs> = {
  command: 'serve',
  describe: 'Serve a registry directory over HTTP for local development (ETags, content types)',
  builder: (y) =>
    y
      .option('dir', { type: 'string', default: 'registry-index', describe: 'Registry directory' })
      .option('port', { type: 'number', default: 4873, describe: 'Port (0 picks a free one)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on' })
      .example(
        '$0 registry serve --dir dist/registry --port 4873',
        'then --registry http://127.0.0.1:4873/',
      ),
  handler: async (args) => {
    const { existsSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { JobForgeError } = await import('@jobforge/sdk');
    const { serveRegistry } = await import('@jobforge/registry');
    if (!existsSync(join(args.dir, 'index.json')))
      throw new JobForgeError('REGISTRY_NOT_FOUND', `${args.dir} holds no index.json`, {
        where: args.dir,
        hint: 'build one first with `jobforge registry build --out DIR`',
      });
    const served = await serveRegistry(args.dir, { port: args.port, host: args.host });
    process.stdout.write(
      args.json
        ? `${JSON.stringify({ ok: true, url: served.url, dir: args.dir })}\n`
        : `serving ${args.dir} at ${served.url} (Ctrl-C stops)\n`,
    );
    await new Promise<void>((done) => {
      const stop = () => void served.close().then(done);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
};
