import { createHash } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.json': 'application/json; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
};

export interface ServedRegistry {
  server: Server;
  /** Base URL, e.g. http://127.0.0.1:4873/ */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves a registry directory over HTTP for local development: GET and HEAD only, the right
 * content types, strong ETags (a hash of the bytes) with If-None-Match, artifacts marked immutable.
 * Hidden files, `..` and anything outside the directory answer 404.
 *
 * @example
 * const served = await serveRegistry('dist/registry', { port: 4873 });
 * console.log(`registry at ${served.url}`);
 */
export async function serveRegistry(
  dir: string,
  options: { port?: number; host?: string } = {},
): Promise<ServedRegistry> {
  const root = resolve(dir);
  const realRoot = await realpath(root).catch(() => root);
  const etags = new Map<string, { key: string; etag: string }>();
  const server = createServer(async (request, response) => {
    const send = (status: number, body = '', headers: Record<string, string> = {}): void => {
      response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
      response.end(request.method === 'HEAD' ? undefined : body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return send(405, 'method not allowed\n', { allow: 'GET, HEAD' });
    const file = safePath(root, request.url ?? '/');
    if (!file) return send(404, 'not found\n');
    try {
      // The path is inside the folder as text; a symlink must not lead out of it either.
      const real = await realpath(file);
      if (!real.startsWith(`${realRoot}${sep}`)) return send(404, 'not found\n');
      const info = await stat(file);
      if (!info.isFile()) return send(404, 'not found\n');
      const bytes = await readFile(file);
      const key = `${info.mtimeMs}:${info.size}`;
      let cached = etags.get(file);
      if (cached?.key !== key) {
        cached = {
          key,
          etag: `"${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}"`,
        };
        etags.set(file, cached);
      }
      const headers = {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        etag: cached.etag,
        'cache-control': file.includes(`${join('artifacts', 'sha256')}`)
          ? 'public, max-age=31536000, immutable'
          : 'no-cache',
        'x-content-type-options': 'nosniff',
      };
      if (request.headers['if-none-match'] === cached.etag) {
        response.writeHead(304, headers);
        return response.end();
      }
      response.writeHead(200, { ...headers, 'content-length': String(bytes.length) });
      response.end(request.method === 'HEAD' ? undefined : bytes);
    } catch {
      send(404, 'not found\n');
    }
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => ok());
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    server,
    url: `http://${host}:${port}/`,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}

/** The file a URL path names inside root, or undefined for anything hidden, odd or outside. */
function safePath(root: string, url: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(new URL(url, 'http://x').pathname);
  } catch {
    return undefined;
  }
  const parts = path.split('/').filter(Boolean);
  if (parts.some((p) => p.startsWith('.') || p.includes('\\') || p.includes('\0')))
    return undefined;
  const file = resolve(root, ...parts);
  return file.startsWith(`${root}${sep}`) ? file : undefined;
}
