import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** How the server answers one path: normally, or with one of the faults the client must survive. */
export type Fault =
  | { kind: 'status'; status: number }
  | { kind: 'truncate' }
  | { kind: 'hang' }
  | { kind: 'replace'; body: Buffer | string };

/**
 * A real HTTP server on 127.0.0.1 serving a registry directory, with a fault per path set by the
 * test. Records each request's path and headers so tests can see what the client asked for.
 */
export async function faultServer(dir: string) {
  const faults = new Map<string, Fault>();
  const requests: { path: string; headers: IncomingHttpHeaders; status: number }[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').slice(1);
    const fault = faults.get(path);
    const record = (status: number) => requests.push({ path, headers: request.headers, status });
    if (fault?.kind === 'hang') {
      record(0);
      hanging.add(response);
      return;
    }
    if (fault?.kind === 'status') {
      record(fault.status);
      response.writeHead(fault.status).end('fault');
      return;
    }
    let body: Buffer;
    try {
      body = fault?.kind === 'replace' ? Buffer.from(fault.body) : readFileSync(join(dir, path));
    } catch {
      record(404);
      response.writeHead(404).end('not found');
      return;
    }
    const etag = `"${body.length}-${body.subarray(0, 64).toString('base64url')}"`;
    if (request.headers['if-none-match'] === etag) {
      record(304);
      response.writeHead(304, { etag }).end();
      return;
    }
    record(200);
    response.writeHead(200, { etag, 'content-length': String(body.length) });
    if (fault?.kind === 'truncate') {
      // Announce the whole body, send half, then cut the connection.
      response.write(body.subarray(0, Math.floor(body.length / 2)));
      response.socket?.destroy();
      return;
    }
    response.end(body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    faults,
    requests,
    close: () =>
      new Promise<void>((ok) => {
        for (const response of hanging) response.destroy();
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
