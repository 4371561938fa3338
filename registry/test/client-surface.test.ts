import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');
const HOST_DEPENDENCIES = new Set(['@jobforge/sdk', 'semver']);

/** Every package a module imports, following its relative imports (static and dynamic). */
function importGraph(entry: string): { files: string[]; packages: Set<string> } {
  const files: string[] = [];
  const packages = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.includes(file)) continue;
    files.push(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/(?:from|import\()\s*'([^']+)'/g)) {
      const spec = match[1]!;
      if (spec.startsWith('.')) pending.push(join(dirname(file), spec.replace(/\.js$/, '.ts')));
      else if (!spec.startsWith('node:')) packages.add(spec);
    }
  }
  return { files, packages };
}

describe('@jobforge/registry/client', () => {
  it('imports only the sdk, semver and node built-ins, so a host installs no author toolkit', () => {
    const { files, packages } = importGraph(join(SRC, 'client.ts'));
    expect([...packages].filter((name) => !HOST_DEPENDENCIES.has(name))).toEqual([]);
    // The build (esbuild, bundling) stays out of the host's graph too.
    expect(files.map((f) => f.slice(SRC.length + 1))).not.toContain('bundle-connectors.ts');
  });

  it("has a package.json whose dependencies hold nothing of the author toolkit's", () => {
    const manifest = JSON.parse(readFileSync(join(SRC, '../package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    for (const heavy of ['ajv', 'handlebars', 'fast-glob', 'es-module-lexer'])
      expect(manifest.dependencies).not.toHaveProperty(heavy);
  });
});
