import { parseBoundedJson, writeFileAtomic } from '@jobforge/sdk';
import { readBoundedFile } from './read-bounded-file.js';

/**
 * Remembers the highest index serial a client accepted, per registry and trusted key, so a mirror
 * cannot later hand it an older, validly signed index (a rollback).
 */
export interface SerialStore {
  highest(registry: string, keyid: string): Promise<number | undefined>;
  record(registry: string, keyid: string, serial: number): Promise<void>;
}

/** A store for one process's life (what `verifyRegistry` and tests use). */
export function memorySerialStore(): SerialStore {
  const seen = new Map<string, number>();
  return {
    highest: async (registry, keyid) => seen.get(`${registry} ${keyid}`),
    record: async (registry, keyid, serial) => {
      const key = `${registry} ${keyid}`;
      seen.set(key, Math.max(serial, seen.get(key) ?? 0));
    },
  };
}

/**
 * A store kept in one small JSON file (written atomically, 0600). Concurrent writers merge by
 * taking the highest serial of each entry, so a slower client cannot lower what a faster one saw.
 */
export function fileSerialStore(path: string): SerialStore {
  const readAll = async (): Promise<Record<string, number>> => {
    const read = await readBoundedFile(path, 1024 * 1024);
    if (!read.ok) return {};
    try {
      const value = parseBoundedJson(read.bytes, { maxBytes: 1024 * 1024, maxDepth: 4 }) as {
        serials?: unknown;
      };
      const serials = value?.serials;
      if (typeof serials !== 'object' || serials === null) return {};
      return Object.fromEntries(
        Object.entries(serials).filter(([, n]) => Number.isSafeInteger(n) && (n as number) > 0),
      ) as Record<string, number>;
    } catch {
      return {};
    }
  };
  return {
    async highest(registry, keyid) {
      return (await readAll())[`${registry} ${keyid}`];
    },
    async record(registry, keyid, serial) {
      const all = await readAll();
      const key = `${registry} ${keyid}`;
      if ((all[key] ?? 0) >= serial) return;
      all[key] = serial;
      await writeFileAtomic(path, `${JSON.stringify({ serials: all }, null, 2)}\n`, {
        mode: 0o600,
      });
    },
  };
}
