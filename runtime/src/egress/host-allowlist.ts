import { isIP } from 'node:net';

/** One `permissions.network` entry, normalised: `api.example.com`, `*.example.com`, `host:8443`. */
export interface AllowEntry {
  host: string;
  wildcard: boolean;
  port: number | null;
}

/**
 * Normalises declared hosts the way URLs are normalised (case, IDNA, IP spellings), so a declared
 * `2130706433` and a requested `127.0.0.1` compare equal and no spelling slips past the list.
 */
export function parseAllowList(entries: readonly string[]): AllowEntry[] {
  const out: AllowEntry[] = [];
  for (const raw of entries) {
    const wildcard = raw.startsWith('*.');
    const rest = wildcard ? raw.slice(2) : raw;
    try {
      const url = new URL(`http://${rest}`);
      if (url.pathname !== '/' || url.username || url.search) continue;
      out.push({
        host: stripDot(url.hostname),
        wildcard,
        port: url.port ? Number(url.port) : null,
      });
    } catch {}
  }
  return out;
}

export function hostAllowed(list: readonly AllowEntry[], hostname: string, port: number): boolean {
  const host = stripDot(hostname.toLowerCase());
  return list.some((entry) => {
    if (entry.port !== null && entry.port !== port) return false;
    if (!entry.wildcard) return entry.host === host;
    return host.endsWith(`.${entry.host}`) && isIP(bare(host)) === 0;
  });
}

/** A URL's host without IPv6 brackets. */
export function bare(hostname: string): string {
  return hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
}

function stripDot(host: string): string {
  return host.endsWith('.') ? host.slice(0, -1) : host;
}
