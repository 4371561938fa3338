import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { yankVersion } from '../../registry/src/index.js';
import { buildRegistry } from '../../registry/test/helpers/build-registry.js';
import { REPO_ROOT, tempDir, writeConnector } from '../../registry/test/helpers/connector-tree.js';
import { docsDrift, renderDocs, writeDocs } from '../src/index.js';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

describe('jobforge docs', () => {
  it('the committed pages under docs/connectors/ match what connectors/ renders (regenerate with `jobforge docs`)', async () => {
    const files = await renderDocs({ connectorsDir: 'connectors', cwd: REPO_ROOT });
    const drift = await docsDrift(join(REPO_ROOT, 'docs', 'connectors'), files);
    expect(drift, 'run `npx jobforge docs` and commit docs/connectors/').toEqual({
      changed: [],
      stale: [],
    });
  });

  it('renders schemas as tables, golden cases as examples, and published versions', async () => {
    const root = tempDir('docs');
    made.push(root);
    writeConnector(root, {
      id: 'alpha',
      metadata: {
        description: 'Pipes | and\nnewlines stay inside one cell.',
        input_schema: {
          type: 'object',
          properties: {
            mode: { enum: ['fast', 'safe'], description: 'How | to run.' },
            target: {
              type: 'object',
              properties: { host: { type: 'string', maxLength: 255 } },
              required: ['host'],
            },
          },
          required: ['target'],
        },
        deprecated: { message: 'Use beta.', replacement: 'beta' },
      },
    });
    const out = join(root, 'registry');
    await buildRegistry({ connectorsDir: root, outDir: out, sourceDateEpoch: '1700000000' });
    writeConnector(root, { id: 'alpha', version: '1.1.0' });
    await buildRegistry({ connectorsDir: root, outDir: out });
    await yankVersion(out, 'alpha', '1.0.0');
    writeConnector(root, {
      id: 'alpha',
      version: '1.1.0',
      metadata: {
        description: 'Pipes | and\nnewlines stay inside one cell.',
        input_schema: {
          type: 'object',
          properties: {
            mode: { enum: ['fast', 'safe'], description: 'How | to run.' },
            target: {
              type: 'object',
              properties: { host: { type: 'string', maxLength: 255 } },
              required: ['host'],
            },
          },
          required: ['target'],
        },
        deprecated: { message: 'Use beta.', replacement: 'beta' },
      },
    });
    const files = await renderDocs({ connectorsDir: root, registry: out });
    expect([...files.keys()]).toEqual(['README.md', 'alpha.md', 'catalog.html']);
    const page = files.get('alpha.md')!;
    expect(page).toContain('| `mode`        | "fast" \\| "safe" | no       | How \\| to run.   |');
    expect(page).toContain('| `target.host` | string           | yes      | (max length 255) |');
    expect(page).toContain('> **Deprecated.** Use beta. Use [`beta`](beta.md) instead.');
    expect(page).toContain(
      '### greets\n\n`alpha.greet` with (JSON)\n\n```json5\n{\n  "name": "Ada"\n}\n```',
    );
    expect(page).toMatch(/\| 1\.1\.0 +\| active \| — +\| `sha256-/);
    expect(page).toMatch(
      /\| 1\.0\.0 \(yanked\) \(deprecated\) \| active \| 2023-11-14T22:13:20Z \| `sha256-/,
    );
    expect(files.get('README.md')).toContain('Pipes \\| and newlines stay inside one cell.');

    const docsDir = join(root, 'docs');
    expect(await writeDocs(docsDir, files)).toEqual(['README.md', 'alpha.md', 'catalog.html']);
    expect(await writeDocs(docsDir, files)).toEqual([]);
    writeFileSync(join(docsDir, 'gone.md'), '# old page\n');
    writeFileSync(join(docsDir, 'alpha.md'), 'edited by hand\n');
    expect(await docsDrift(docsDir, files)).toEqual({ changed: ['alpha.md'], stale: ['gone.md'] });
  });
});
