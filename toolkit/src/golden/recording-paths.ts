import { join } from 'node:path';
import type { GoldenCase } from './run-golden-cases.js';

/** Where a connector keeps its cases' recordings, relative to its folder (beside test/golden.json). */
export const RECORDINGS_DIR = 'test/fixtures/recordings';

/** One file per case, named after the case; a clash of names gets a numeric suffix. */
export function recordingPaths(dir: string, cases: readonly GoldenCase[]): Map<string, string> {
  const taken = new Set<string>();
  const paths = new Map<string, string>();
  for (const golden of cases) {
    const base =
      golden.name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 80) || 'case';
    let slug = base;
    for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
    taken.add(slug);
    paths.set(golden.name, join(dir, RECORDINGS_DIR, `${slug}.json`));
  }
  return paths;
}
