import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isJobForgeError } from '@jobforge/sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { initProject, JOBFORGE_VERSION, scaffoldConnector } from '../src/index.js';

// Outside this repository on purpose: what users get in their own connectors repository.
const outside = mkdtempSync(join(tmpdir(), 'jobforge-init-'));
afterAll(() => rmSync(outside, { recursive: true, force: true }));

describe('initProject', () => {
  it('writes a connectors repository whose ranges match this release', async () => {
    const dir = join(outside, 'Acme Connectors');
    const result = await initProject({ dir });
    expect(result.written).toEqual([
      '.github/workflows/connectors.yml',
      '.gitignore',
      'README.md',
      'package.json',
      'tsconfig.json',
    ]);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(manifest.name).toBe('acme-connectors');
    expect(manifest.dependencies['@jobforge/sdk']).toBe(`^${JOBFORGE_VERSION}`);
    expect(manifest.devDependencies['@jobforge/cli']).toBe(`^${JOBFORGE_VERSION}`);
    const workflow = readFileSync(join(dir, '.github/workflows/connectors.yml'), 'utf8');
    expect(workflow).toContain('jobforge validate --strict --format github');
    expect(workflow).toContain('npx jobforge test');
    expect(workflow).toContain('${{ secrets.JOBFORGE_REGISTRY_KEY }}');
  });

  it('refuses a folder that is not empty, and with force never overwrites a file', async () => {
    const dir = join(outside, 'busy');
    await initProject({ dir: join(dir, 'sub') }); // any entry makes the folder non-empty
    writeFileSync(join(dir, 'README.md'), 'mine\n');
    const refused = await initProject({ dir }).catch((error: unknown) => error);
    expect(isJobForgeError(refused) && refused.code).toBe('INIT_NOT_EMPTY');
    const forced = await initProject({ dir, force: true });
    expect(forced.kept).toEqual(['README.md']);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe('mine\n');
  });

  it('scaffolds connectors with semver ranges outside the workspace', async () => {
    const result = await scaffoldConnector({
      id: 'acme',
      parent: join(outside, 'repo', 'connectors'),
    });
    expect(result.workspace).toBeUndefined();
    const manifest = JSON.parse(readFileSync(join(result.dir, 'package.json'), 'utf8'));
    expect(manifest.dependencies['@jobforge/sdk']).toBe(`^${JOBFORGE_VERSION}`);
    const again = await scaffoldConnector({
      id: 'acme',
      parent: join(outside, 'repo', 'connectors'),
    }).catch((error: unknown) => error);
    expect(isJobForgeError(again) && again.code).toBe('CONNECTOR_EXISTS');
  });
});
