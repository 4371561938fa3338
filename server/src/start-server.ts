import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { ServerEnv } from './server-env.js';

export interface RunningServer {
  url: string;
  port: number;
  /**
   * Stops accepting connections, lets in-flight requests finish (up to `graceMs`, default 10 s),
   * then closes what is left.
   */
  close(graceMs?: number): Promise<void>;
}

export interface ListenOptions {
  port?: number;
  /** Default 127.0.0.1: listening on every interface is a choice to make explicitly. */
  host?: string;
  /** A request (headers and body) must arrive within this time (default 30 s). */
  requestTimeoutMs?: number;
}

/**
 * Serves a Hono app on Node's HTTP server with timeouts and a graceful close.
 *
 * @example
 * const server = await listen(app, { port: 8080 });
 * process.once('SIGTERM', () => server.close());
 */
export async function listen(
  app: Hono<ServerEnv>,
  options: ListenOptions = {},
): Promise<RunningServer> {
  let closing = false;
  const server = serve({
    fetch: (request, env) => {
      if (closing) {
        return new Response(
          JSON.stringify({
            type: 'urn:jobforge:problem:shutting-down',
            title: 'Service Unavailable',
            status: 503,
            code: 'SHUTTING_DOWN',
            detail: 'the server is shutting down; retry on another instance',
          }),
          {
            status: 503,
            headers: { 'content-type': 'application/problem+json', connection: 'close' },
          },
        );
      }
      return app.fetch(request, env);
    },
    port: options.port ?? 0,
    hostname: options.host ?? '127.0.0.1',
    serverOptions: {
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      headersTimeout: Math.min(options.requestTimeoutMs ?? 30_000, 20_000),
      keepAliveTimeout: 5_000,
    },
  });
  await new Promise<void>((resolve, reject) => {
    if (server.listening) resolve();
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    port,
    close: (graceMs = 10_000) =>
      new Promise<void>((resolve) => {
        closing = true;
        const force = setTimeout(() => {
          if ('closeAllConnections' in server) server.closeAllConnections();
        }, graceMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        if ('closeIdleConnections' in server) server.closeIdleConnections();
      }),
  };
}
