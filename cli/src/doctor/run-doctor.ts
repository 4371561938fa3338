import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { listFeatures } from '@jobforge/queue';
import { DEV_KEY_DIR } from '../signing-key.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

export interface DoctorOptions {
  cwd: string;
  connectorsDir: string;
  env: NodeJS.ProcessEnv;
  /** Extra checks contributed by other parts (the database, the registry). */
  extraChecks?: (() => Promise<CheckResult>)[];
}

const MIN_NODE: [number, number] = [20, 19];

/** Checks the environment JobForge runs in; every check reports, none throws. */
export async function runDoctor(options: DoctorOptions): Promise<CheckResult[]> {
  const results: CheckResult[] = [
    checkNode(),
    checkKey(options.cwd),
    checkConnectors(options.connectorsDir),
    checkDatabaseUrl(options.env),
    checkFeatures(options.env),
  ];
  for (const check of options.extraChecks ?? []) {
    try {
      results.push(await check());
    } catch (error) {
      results.push({
        name: 'check',
        status: 'fail',
        detail: `a check failed to run: ${(error as Error).message}`,
      });
    }
  }
  return results;
}

/** One line for the execution-plane feature flags: which are on, and any unreadable value. */
function checkFeatures(env: NodeJS.ProcessEnv): CheckResult {
  const features = listFeatures(env);
  const broken = features.filter((f) => f.error);
  if (broken.length > 0) {
    return {
      name: 'features',
      status: 'fail',
      detail: broken.map((f) => f.error).join('; '),
      fix: 'set each variable to 1 (on) or 0 (off)',
    };
  }
  const on = features.filter((f) => f.enabled).map((f) => `${f.name} (${f.variable})`);
  return {
    name: 'features',
    status: 'ok',
    detail: on.length > 0 ? `on: ${on.join(', ')}` : 'all execution-plane features off (default)',
  };
}

function checkNode(): CheckResult {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const ok = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  return ok
    ? { name: 'node', status: 'ok', detail: `Node.js ${process.versions.node}` }
    : {
        name: 'node',
        status: 'fail',
        detail: `Node.js ${process.versions.node} is older than ${MIN_NODE.join('.')}`,
        fix: `install Node.js ${MIN_NODE.join('.')} or newer`,
      };
}

function checkKey(cwd: string): CheckResult {
  const path = join(cwd, DEV_KEY_DIR, 'private.pem');
  if (!existsSync(path)) {
    return {
      name: 'signing key',
      status: 'warn',
      detail: 'no development key yet; `jobforge run` creates one on first use',
      fix: 'for production, `jobforge keys generate --out DIR` and pass --key',
    };
  }
  const mode = statSync(path).mode & 0o777;
  if (mode & 0o077) {
    return {
      name: 'signing key',
      status: 'fail',
      detail: `${path} is readable by others (mode ${mode.toString(8)})`,
      fix: `chmod 600 ${path}`,
    };
  }
  return { name: 'signing key', status: 'ok', detail: `development key ${path} (mode 600)` };
}

function checkConnectors(dir: string): CheckResult {
  if (!existsSync(dir))
    return {
      name: 'connectors',
      status: 'warn',
      detail: `${dir} does not exist`,
      fix: 'create one with `jobforge create <id>`',
    };
  try {
    accessSync(dir, constants.R_OK);
    const found = readdirSync(dir).filter((name) => existsSync(join(dir, name, 'metadata.json')));
    return found.length > 0
      ? {
          name: 'connectors',
          status: 'ok',
          detail: `${found.length} in ${dir}: ${found.slice(0, 6).join(', ')}${found.length > 6 ? ', …' : ''}`,
        }
      : {
          name: 'connectors',
          status: 'warn',
          detail: `no connector folder (with metadata.json) in ${dir}`,
        };
  } catch (error) {
    return {
      name: 'connectors',
      status: 'fail',
      detail: `${dir} cannot be read: ${(error as Error).message}`,
    };
  }
}

function checkDatabaseUrl(env: NodeJS.ProcessEnv): CheckResult {
  const url = env.DATABASE_URL;
  if (!url)
    return {
      name: 'database',
      status: 'ok',
      detail: 'no DATABASE_URL: the embedded PGlite database under .jobforge/ is used',
    };
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
      return {
        name: 'database',
        status: 'fail',
        detail: `DATABASE_URL has protocol ${parsed.protocol}`,
        fix: 'use postgres://user:password@host:5432/db',
      };
    }
    // Never print the password.
    parsed.password = parsed.password ? '***' : '';
    return { name: 'database', status: 'ok', detail: `DATABASE_URL ${parsed.toString()}` };
  } catch {
    return {
      name: 'database',
      status: 'fail',
      detail: 'DATABASE_URL is not a URL',
      fix: 'use postgres://user:password@host:5432/db',
    };
  }
}
