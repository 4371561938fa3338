import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobforge, ROOT } from './run-jobforge.js';

// A connector that calls {{golden_server}} through context.fetch with a bearer token, a nonce
// header and a timestamp field; its cases ignore the last two when matching.
const FIXTURE = join(ROOT, 'cli/test/fixtures/http-replay/ping');
const TOKEN = 'test-token-123';

let work: string;
let dir: string;
let recording: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'jobforge-replay-cli-'));
  dir = join(work, 'ping');
  cpSync(FIXTURE, dir, { recursive: true });
  // The fixture ships its recordings; this copy starts without them.
  rmSync(join(dir, 'test/fixtures'), { recursive: true });
  recording = join(dir, 'test/fixtures/recordings/sends-a-query.json');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('jobforge test: record and replay', () => {
  it('without a recording, a case that makes a request fails and says to record it', () => {
    const run = jobforge(['test', dir]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      'case "sends a query": the connector made a request (POST http://golden-server.test/echo?q=hello%20world), but there is no recording',
    );
    expect(run.stdout).toMatch(/fix: record it with `jobforge test --record .*ping`/);
  });

  it('--record runs the cases live once and writes one redacted fixture per case', () => {
    const run = jobforge(['test', dir, '--record']);
    expect(run.stdout).toContain('1 connector: 4 passed, 0 failed');
    expect(run.stdout).toContain(
      'contract: retries follow failure_modes (case "sends a query": 503 → UPSTREAM_UNAVAILABLE, retried; 429 → UPSTREAM_UNAVAILABLE, retried; 400 → UPSTREAM_REJECTED, not retried)',
    );
    expect(run.code).toBe(0);
    const text = readFileSync(recording, 'utf8');
    expect(text).not.toContain(TOKEN);
    expect(text).not.toMatch(/127\.0\.0\.1:\d+/);
    expect(JSON.parse(text).exchanges[0].request).toMatchObject({
      method: 'POST',
      url: 'http://golden-server.test/echo?q=hello%20world',
      headers: { authorization: '[REDACTED]' },
    });
  });

  it('replays by default with no network, twice for a deterministic case', () => {
    const run = jobforge(['test', dir, '--json']);
    expect(run.code).toBe(0);
    const body = JSON.parse(run.stdout);
    expect(body.connectors[0].cases.map((c: { ok: boolean }) => c.ok)).toEqual([
      true,
      true,
      true,
      true,
    ]);
  });

  it('a recording whose URL no longer matches fails with the diff, the exchange and the fix', () => {
    const original = readFileSync(recording, 'utf8');
    writeFileSync(recording, original.replace('/echo?q=hello%20world', '/v2/echo?q=hello%20world'));
    try {
      const run = jobforge(['test', dir]);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(
        'case "sends a query": request #1 (POST http://golden-server.test/echo?q=hello%20world) matches no recorded exchange; the nearest is exchange #1',
      );
      expect(run.stdout).toContain(
        '      url.path:\n        - recorded http://golden-server.test/v2/echo\n        + request  http://golden-server.test/echo',
      );
      expect(run.stdout).toMatch(/fix: if the connector changed on purpose, record the case again/);
    } finally {
      writeFileSync(recording, original);
    }
  });

  it('a recording edited into invalid JSON fails with the case, the position and the fix', () => {
    const original = readFileSync(recording, 'utf8');
    writeFileSync(recording, original.replace('"status": 200', '"status": 200,'));
    try {
      const run = jobforge(['test', dir]);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(
        /case "sends a query": the recording .*sends-a-query\.json is not valid JSON at line \d+, column \d+/,
      );
      expect(run.stdout).toContain(
        'fix: fix the JSON by hand (was it edited?), or delete the file',
      );
    } finally {
      writeFileSync(recording, original);
    }
  });

  it('--live bypasses the recordings and writes nothing; --record and --live together is a usage error', () => {
    rmSync(recording);
    const live = jobforge(['test', dir, '--live']);
    expect(live.stdout).toContain('4 passed, 0 failed');
    expect(() => readFileSync(recording)).toThrow();
    const both = jobforge(['test', dir, '--record', '--live']);
    expect(both.code).toBe(2);
  });
});

describe('the reference connectors', () => {
  it('pass their golden cases and contract checks from recordings alone (replay never starts a server)', () => {
    const run = jobforge(['test', 'connectors', '--json']);
    const body = JSON.parse(run.stdout) as {
      ok: boolean;
      connectors: { id: string; cases: { name: string; ok: boolean }[] }[];
    };
    expect(body.connectors.flatMap((c) => c.cases.filter((x) => !x.ok))).toEqual([]);
    expect(run.code).toBe(0);
    const retry = (id: string) =>
      body.connectors
        .find((c) => c.id === id)
        ?.cases.find((c) => c.name.startsWith('contract: retries'))?.name;
    expect(retry('webhook-deliver')).toContain('503 → UPSTREAM_ERROR, retried');
    expect(retry('webhook-deliver')).toContain('400 → DELIVERY_REJECTED, not retried');
  });
});
