import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from './run-cli.js';

// The README is a promise: its code samples and commands are run here exactly as written
// (only the sample's relative import of the connector is pointed at the first sample's file).
const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const tsBlocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
const bashBlocks = [...readme.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');

// Inside the sdk package, so `@jobforge/sdk` resolves by self-reference as it would in a user's app.
const connectorFile = join(repoRoot, 'sdk', 'test', '.readme-connector.tmp.ts');
const sampleFile = join(repoRoot, 'sdk', 'test', '.readme-sample.tmp.mts');

afterAll(() => {
  rmSync(connectorFile, { force: true });
  rmSync(sampleFile, { force: true });
});

describe('README', () => {
  it('has the quick start commands CI and users run', () => {
    expect(bashBlocks[0]).toMatch(/^npm run demo\b/m);
    expect(bashBlocks[0]).toMatch(/^npm test\b/m);
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    expect(manifest.scripts.demo).toMatch(/jobforge demo/);
    expect(manifest.scripts.test).toMatch(/vitest run/);
    expect(readFileSync(join(repoRoot, '.ci', 'run'), 'utf8')).toMatch(/npm test/);
  });

  it('runs its TypeScript samples and prints what the comment says', () => {
    expect(tsBlocks.length).toBeGreaterThanOrEqual(2);
    writeFileSync(connectorFile, tsBlocks[0]!);
    writeFileSync(
      sampleFile,
      tsBlocks[1]!.replace("'./connectors/echo/src/index.ts'", "'./.readme-connector.tmp.ts'"),
    );
    const run = spawnSync(
      process.execPath,
      ['--conditions=@jobforge/source', '--import', 'tsx', sampleFile],
      { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.stderr).toBe('');
    const promised = /console\.log\(.*\); \/\/ (.*)$/m.exec(tsBlocks[1]!)?.[1];
    expect(run.stdout.trim()).toBe(promised);
  });

  it('runs the CLI lines that need no prior state', () => {
    const cliBlock = bashBlocks.find((block) => block.includes('npx jobforge run'))!;
    const runLine = cliBlock.split('\n').find((line) => line.startsWith('npx jobforge run'))!;
    const args = runLine
      .replace(/^npx jobforge /, '')
      .replace(/ >.*$/, '')
      .match(/'[^']*'|\S+/g)!
      .map((a) => a.replace(/^'|'$/g, ''));
    const result = runCli(args);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, data: { message: 'hi' } });
  });
});
