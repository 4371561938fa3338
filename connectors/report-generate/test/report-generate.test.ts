import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { runConnector } from '@jobforge/sdk';
import { runGoldenFile } from '@jobforge/toolkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import report from '../src/index.js';
import { renderCsv } from '../src/render-csv.js';
import { renderMarkdown } from '../src/render-markdown.js';

const ROUTES: Record<string, [number, string]> = {
  '/array': [
    200,
    JSON.stringify([
      { job: 'a', ms: 12 },
      { job: 'b', ms: null, retried: true },
    ]),
  ],
  '/nested': [200, JSON.stringify([{ job: { id: 1 } }])],
  '/text': [200, 'not json'],
  '/missing': [404, '{}'],
};
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((request, response) => {
    const [status, body] = ROUTES[request.url ?? ''] ?? [500, ''];
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const render = (payload: object) =>
  runConnector(report, {
    config: { retry_policy: { max_retries: 0 } },
    input: { operation: 'report-generate.render', payload: payload as never },
  });

describe('report-generate', () => {
  it('passes its golden cases', async () => {
    const results = await runGoldenFile(report, join(import.meta.dirname, '..'));
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.length).toBeGreaterThan(3);
  });

  it('fetches rows from a real server and takes every column in first-seen order', async () => {
    const result = await render({ title: 'Runs', source_url: `${base}/array` });
    expect(result.ok && result.data.columns).toEqual(['job', 'ms', 'retried']);
    expect(result.ok && result.data.csv).toBe('job,ms,retried\r\na,12,\r\nb,,true\r\n');
  });

  it.each([
    ['/nested', 'SOURCE_INVALID', false],
    ['/text', 'SOURCE_INVALID', false],
    ['/missing', 'SOURCE_INVALID', false],
    ['/down', 'SOURCE_UNAVAILABLE', true],
  ])('classifies a source at %s as %s', async (path, code, retryable) => {
    const result = await render({ title: 'Runs', source_url: `${base}${path}` });
    expect(!result.ok && result.error).toMatchObject({ code, retryable });
  });

  it('quotes CSV per RFC 4180 and defuses formulas, but not negative numbers', () => {
    expect(
      renderCsv(
        ['a', 'b'],
        [
          { a: '-1+2', b: -3 },
          { a: 'x\r\ny', b: '@me' },
        ],
      ),
    ).toBe('a,b\r\n\'-1+2,-3\r\n"x\r\ny",\'@me\r\n');
  });

  it('leaves a column empty when the row lacks it, even one named like an Object.prototype member', () => {
    const csv = renderCsv(['a', 'constructor', 'toString'], [{ a: 1 }]);
    expect(csv).toBe('a,constructor,toString\r\n1,,\r\n');
    expect(renderMarkdown('t', ['a', 'constructor'], [{ a: 1 }])).not.toMatch(/native code/);
  });

  it('escapes Markdown and HTML in cells and the title', () => {
    const markdown = renderMarkdown('<b>#1</b>', ['c'], [{ c: '*x* <script>' }]);
    expect(markdown).toContain('# &lt;b&gt;\\#1&lt;/b&gt;\n');
    expect(markdown).toContain('| \\*x\\* &lt;script&gt; |');
  });
});
