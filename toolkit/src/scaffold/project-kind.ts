import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The version of the JobForge packages this toolkit belongs to (they are released together). */
export const JOBFORGE_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

/**
 * The root of the JobForge workspace (this repository) that `dir` lies in, if any: the nearest
 * folder up from `dir` with a pnpm-workspace.yaml beside a package.json named `jobforge-workspace`.
 * Scaffolding writes `workspace:*` ranges only there; anywhere else, semver ranges.
 */
export function findJobforgeWorkspace(dir: string): string | undefined {
  let current = resolve(dir);
  for (;;) {
    const manifest = join(current, 'package.json');
    if (existsSync(join(current, 'pnpm-workspace.yaml')) && existsSync(manifest)) {
      try {
        const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
        if (name === 'jobforge-workspace') return current;
      } catch {
        // an unreadable manifest is not ours
      }
    }
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/** The range a scaffolded package.json gives a JobForge package: `workspace:*` in the workspace. */
export function jobforgeRange(inWorkspace: boolean): string {
  return inWorkspace ? 'workspace:*' : `^${JOBFORGE_VERSION}`;
}
