import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type KeyInput, parseBoundedJson } from '@jobforge/sdk';
import { SIGNATURE_FILE } from './index-format.js';
import {
  DEFAULT_INDEX_VALIDITY_MS,
  freshnessOf,
  type IndexFreshness,
  signIndex,
} from './sign-index.js';

const DAY_MS = 24 * 3600 * 1000;

export interface SigningOptions {
  /** How long the new signature holds, in ms, counted from the start of today (UTC). Default 30 days. */
  validityMs?: number;
  /** Sign again (a new serial and expiry) even when the index did not change. */
  resign?: boolean;
  /** The time the signature is made. Default now. */
  now?: Date;
}

/**
 * The signature a registry directory should hold for these index bytes: the one already there
 * when it signs exactly these bytes with this key and has more than half its validity left (so an
 * unchanged rebuild writes nothing), otherwise a new one whose serial is one more than the last
 * signature's and whose expiry is `validityMs` from now.
 */
export async function nextSignature(
  dir: string,
  indexBytes: Uint8Array,
  key: KeyInput,
  options: SigningOptions = {},
): Promise<string> {
  const now = options.now ?? new Date();
  const validityMs = options.validityMs ?? DEFAULT_INDEX_VALIDITY_MS;
  const previous = await previousFreshness(dir);
  const render = (freshness: IndexFreshness) =>
    `${JSON.stringify(signIndex(indexBytes, key, freshness), null, 2)}\n`;
  if (previous && !options.resign) {
    const fresh = Date.parse(previous.freshness.expires) - now.getTime() > validityMs / 2;
    if (fresh && render(previous.freshness) === previous.text) return previous.text;
  }
  // Expiry counts from the start of the UTC day, so two builds of the same inputs on one day give
  // the same bytes (reproducible builds), and a signature still holds for validityMs minus a day.
  const day = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  return render({
    serial: (previous?.freshness.serial ?? 0) + 1,
    expires: new Date(day + validityMs).toISOString(),
  });
}

/** The freshness in the directory's current signature (the publisher's own file, read as data). */
async function previousFreshness(
  dir: string,
): Promise<{ text: string; freshness: IndexFreshness } | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, SIGNATURE_FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const envelope = parseBoundedJson(text, { maxBytes: 1024 * 1024, maxDepth: 8 }) as {
      payload?: unknown;
    };
    const payload = Buffer.from(String(envelope.payload), 'base64').toString('utf8');
    const statement = parseBoundedJson(payload, { maxBytes: 1024 * 1024, maxDepth: 8 }) as {
      predicate?: unknown;
    };
    const freshness = freshnessOf(statement.predicate);
    return freshness ? { text, freshness } : undefined;
  } catch {
    return undefined;
  }
}
