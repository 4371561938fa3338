#!/usr/bin/env node
// node scripts/pack.mjs --out DIR — one npm tarball per publishable package, built from the sources
// of this checkout: a clean `tsc -b` build (so dist/ holds exactly what src/ compiles to, nothing
// left from deleted files) and the CLI's bundle of it (cli/scripts/bundle.mjs), then each package
// staged with its package.json made publishable (`workspace:` ranges replaced by the real versions,
// the @jobforge/source condition and devDependencies dropped), its README and the repository's
// LICENSE, and `npm pack` run there.
// Prints one line per tarball; nothing is published.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
export const PACKAGES = [
  'sdk',
  'registry',
  'runtime',
  'queue',
  'toolkit',
  'governance',
  'server',
  'cli',
];

function fail(message) {
  process.stderr.write(`pack: ${message}\n`);
  process.exit(2);
}

function run(cmd, args, cwd) {
  const result = spawnSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0)
    fail(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

const outIndex = process.argv.indexOf('--out');
const outArg = outIndex > 0 ? process.argv[outIndex + 1] : undefined;
if (!outArg) fail('usage: node scripts/pack.mjs --out DIR');
const out = resolve(outArg);

const manifests = new Map(
  PACKAGES.map((dir) => [dir, JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'))]),
);
const versions = new Map([...manifests.values()].map((m) => [m.name, m.version]));

/** `workspace:*` → ^x.y.z of the package in this checkout (`workspace:~`, `workspace:^` alike). */
function publishableRange(name, range) {
  if (!range.startsWith('workspace:')) return range;
  const version = versions.get(name);
  if (!version) fail(`${name} is a workspace dependency but not a publishable package`);
  const spec = range.slice('workspace:'.length);
  return spec === '*' || spec === '^' ? `^${version}` : spec === '~' ? `~${version}` : spec;
}

function stripSourceCondition(exports) {
  if (typeof exports !== 'object' || exports === null) return exports;
  return Object.fromEntries(
    Object.entries(exports)
      .filter(([key]) => key !== '@jobforge/source')
      .map(([key, value]) => [key, stripSourceCondition(value)]),
  );
}

// A clean build: tsc -b never deletes the output of a source file that no longer exists.
for (const dir of PACKAGES) rmSync(join(root, dir, 'dist'), { recursive: true, force: true });
// cli/bundle/ is rebuilt from cli/dist/ by cli/scripts/bundle.mjs, which empties it first.
run(
  process.execPath,
  [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.build.json'],
  root,
);
run(process.execPath, [join(root, 'cli/scripts/bundle.mjs')], root);

mkdirSync(out, { recursive: true });
const stage = join(tmpdir(), `jobforge-pack-${process.pid}`);
try {
  for (const dir of PACKAGES) {
    const manifest = structuredClone(manifests.get(dir));
    const from = join(root, dir);
    const to = join(stage, dir);
    mkdirSync(to, { recursive: true });
    for (const entry of manifest.files ?? []) {
      if (!existsSync(join(from, entry))) fail(`${dir}/${entry} is listed in "files" but missing`);
      cpSync(join(from, entry), join(to, entry), {
        recursive: true,
        filter: (path) => !path.endsWith('.tsbuildinfo'),
      });
    }
    const readme = join(from, 'README.md');
    if (!existsSync(readme)) fail(`${dir}/README.md is missing: every package ships one`);
    cpSync(readme, join(to, 'README.md'));
    cpSync(join(root, 'LICENSE'), join(to, 'LICENSE'));
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies'])
      for (const [name, range] of Object.entries(manifest[field] ?? {}))
        manifest[field][name] = publishableRange(name, range);
    delete manifest.devDependencies;
    manifest.exports = stripSourceCondition(manifest.exports);
    writeFileSync(join(to, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', out], to));
    const { filename, size, entryCount } = packed[0];
    process.stdout.write(`${join(out, filename)}  ${entryCount} files, ${size} bytes\n`);
  }
} finally {
  rmSync(stage, { recursive: true, force: true });
}
