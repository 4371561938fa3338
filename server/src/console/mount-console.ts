import { readFileSync } from 'node:fs';
import type { Hono } from 'hono';
import type { ServerEnv } from '../server-env.js';

const PAGE = readFileSync(new URL('../../assets/console.html', import.meta.url), 'utf8');

/**
 * The web console at `/`: one self-contained page (no external assets) that calls the API with
 * fetch and the key the user enters (kept in sessionStorage, sent as a bearer token).
 */
export function mountConsole(app: Hono<ServerEnv>): void {
  app.get('/', (c) =>
    c.body(PAGE, 200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
    }),
  );
}
