#!/usr/bin/env node
// Makes a fresh clone ready with nothing but Node.js and npm: checks the Node version, then installs
// the workspace with the pnpm version pinned in package.json (fetched through npm, so no global pnpm
// is needed). Skips the install when nothing it depends on changed since the last one, so running
// `npm test` or `npm run demo` a second time costs milliseconds.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MIN_NODE = [20, 19];

function fail(message) {
  process.stderr.write(`jobforge setup: ${message}\n`);
  process.exit(2);
}

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < MIN_NODE[0] || (major === MIN_NODE[0] && minor < MIN_NODE[1])) {
  fail(`Node.js ${MIN_NODE.join('.')} or newer is required; this is ${process.versions.node}.`);
}

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmSpec = manifest.packageManager; // e.g. "pnpm@10.34.8"
if (!/^pnpm@\d+\.\d+\.\d+$/.test(pnpmSpec ?? ''))
  fail('package.json has no pinned packageManager pnpm@x.y.z');

// The install depends on the lockfile, every workspace manifest and the workspace settings.
function installFingerprint() {
  const hash = createHash('sha256').update(pnpmSpec);
  const files = ['pnpm-lock.yaml', 'pnpm-workspace.yaml', 'package.json', '.npmrc'];
  const workspace = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
  for (const line of workspace.split('\n')) {
    const m = /^\s+-\s+(\S+)\s*$/.exec(line);
    if (!m || m[1].startsWith("'") || !/^[\w./*-]+$/.test(m[1])) continue;
    if (m[1].endsWith('/*')) {
      const parent = join(root, m[1].slice(0, -2));
      if (!existsSync(parent)) continue;
      for (const child of readdirSorted(parent))
        files.push(join(m[1].slice(0, -2), child, 'package.json'));
    } else {
      files.push(join(m[1], 'package.json'));
    }
  }
  for (const file of files) {
    const path = join(root, file);
    hash.update(`\0${file}\0`);
    if (existsSync(path)) hash.update(readFileSync(path));
  }
  return hash.digest('hex');
}

function readdirSorted(dir) {
  return readdirSync(dir).sort();
}

const stampPath = join(root, 'node_modules', '.jobforge-setup');
const fingerprint = installFingerprint();
const upToDate = existsSync(stampPath) && readFileSync(stampPath, 'utf8') === fingerprint;

if (!upToDate) {
  // CI installs exactly the lockfile; a developer who changed a manifest gets the lockfile updated.
  const frozen =
    process.env.CI && existsSync(join(root, 'pnpm-lock.yaml')) ? ['--frozen-lockfile'] : [];
  process.stderr.write(`jobforge setup: installing the workspace with ${pnpmSpec}…\n`);
  // npm_execpath points at the npm that runs this script; fall back to npx on PATH.
  const npmCli = process.env.npm_execpath;
  const [cmd, args] =
    npmCli && /npm-cli\.js$/.test(npmCli)
      ? [process.execPath, [npmCli, 'exec', '--yes', `--package=${pnpmSpec}`, '--', 'pnpm']]
      : ['npx', ['--yes', `--package=${pnpmSpec}`, '--', 'pnpm']];
  const result = spawnSync(cmd, [...args, 'install', ...frozen, '--reporter=append-only'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  if (result.error) fail(`could not start pnpm: ${result.error.message}`);
  if (result.status !== 0) fail(`pnpm install failed with exit code ${result.status}`);
  // Fingerprint again: a first install without a lockfile writes one.
  writeFileSync(stampPath, installFingerprint());
}
