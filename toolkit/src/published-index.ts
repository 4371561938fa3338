import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isObject } from './connector-check.js';
import type { Finding } from './diagnostic.js';

/** Where `validate` looks for the published index when no --against is given (when it exists). */
export const DEFAULT_INDEX_DIR = 'registry-index';

/** One published version, as the release rules need it. */
export interface PublishedVersion {
  version: string;
  supported_job_types: string[];
  input_schema: Record<string, unknown> | undefined;
}

/** Published versions by connector id. */
export type PublishedIndex = Map<string, PublishedVersion[]>;

/**
 * Reads a published index: `DIR/index.json`, a path to a JSON file, or an http(s) URL. Accepts
 * `{ connectors: [{ id, versions: [{ version, supported_job_types, input_schema }] }] }`, where a
 * version's fields may also sit under `metadata` (the shape the registry build writes).
 */
export async function readPublishedIndex(
  against: string,
  cwd: string,
): Promise<{ index?: PublishedIndex; findings: Finding[] }> {
  const fail = (why: string) => ({
    findings: [
      {
        code: 'INDEX_UNREADABLE' as const,
        message: `the published index ${against} ${why}; pass --against with a registry directory or URL, or --no-against to skip release rules`,
        file: against,
        pointer: '',
      },
    ],
  });
  let text: string;
  try {
    if (/^https?:\/\//.test(against)) {
      const url = against.endsWith('.json') ? against : `${against.replace(/\/$/, '')}/index.json`;
      const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      if (!response.ok) return fail(`answered HTTP ${response.status}`);
      text = await response.text();
    } else {
      const path = resolve(cwd, against);
      const file = (await stat(path)).isDirectory() ? join(path, 'index.json') : path;
      text = await readFile(file, 'utf8');
    }
  } catch (error) {
    return fail(
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return fail(`is not JSON (${(error as Error).message})`);
  }
  const list = isObject(data) ? data.connectors : undefined;
  const entries = Array.isArray(list)
    ? list
    : isObject(list)
      ? Object.entries(list).map(([id, value]) => ({ id, ...(value as object) }))
      : undefined;
  if (!entries) return fail('has no "connectors" list');
  const index: PublishedIndex = new Map();
  for (const entry of entries) {
    if (!isObject(entry)) continue;
    const id = entry.id ?? entry.connector_id;
    if (typeof id !== 'string' || !Array.isArray(entry.versions)) continue;
    const versions: PublishedVersion[] = [];
    for (const raw of entry.versions) {
      if (!isObject(raw)) continue;
      const v = isObject(raw.metadata) ? { ...raw.metadata, ...raw } : raw;
      if (typeof v.version !== 'string') continue;
      versions.push({
        version: v.version,
        supported_job_types: Array.isArray(v.supported_job_types)
          ? v.supported_job_types.filter((t): t is string => typeof t === 'string')
          : [],
        input_schema: isObject(v.input_schema) ? v.input_schema : undefined,
      });
    }
    index.set(id, versions);
  }
  return { index, findings: [] };
}
