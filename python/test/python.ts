import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Debian's interpreter, which has python3-psycopg and python3-cryptography (see .ci/run). */
export const PYTHON = process.env.JOBFORGE_PYTHON ?? '/usr/bin/python3';
const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./fixtures', import.meta.url));
const SCRIPT = fileURLToPath(new URL('./fixtures/jobforge_script.py', import.meta.url));

const env = (extra: Record<string, string> = {}) => ({
  ...process.env,
  PYTHONPATH: `${PACKAGE}:${FIXTURES}`,
  PYTHONDONTWRITEBYTECODE: '1',
  ...extra,
});

/** Runs one step of fixtures/jobforge_script.py and parses what it prints. */
export function pythonStep<T>(...args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [SCRIPT, ...args], {
      env: env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`python ${args[0]} exited ${code}: ${err}`));
      resolve(JSON.parse(out) as T);
    });
  });
}

export interface PythonWorker {
  child: ChildProcess;
  /** Resolves with the first stdout line matching (the fixture handlers print `started <id>`). */
  waitFor(match: RegExp): Promise<string>;
  exited: Promise<number | null>;
  /** The JSON log lines written so far. */
  logs(): Record<string, unknown>[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `python -m jobforge.worker run --app crosslang_app:worker` on the database. */
export function startPythonWorker(databaseUrl: string, args: string[] = []): PythonWorker {
  const child = spawn(
    PYTHON,
    [
      '-m',
      'jobforge.worker',
      'run',
      '--app',
      'crosslang_app:worker',
      '--log-level',
      'debug',
      ...args,
    ],
    { env: env({ DATABASE_URL: databaseUrl }), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: string[] = [];
  const waiters: { match: RegExp; resolve: (line: string) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const w of waiters.splice(0)) {
      if (w.match.test(line)) w.resolve(line);
      else waiters.push(w);
    }
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return {
    child,
    exited,
    waitFor: (match) =>
      new Promise((resolve, reject) => {
        const seen = lines.find((l) => match.test(l));
        if (seen) return resolve(seen);
        waiters.push({ match, resolve });
        void exited.then((code) =>
          reject(new Error(`python worker exited (${code}) before ${match}: ${stderr}`)),
        );
      }),
    logs: () =>
      stderr
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Polls until `check` returns true (or throws after `ms`). */
export async function eventually(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
