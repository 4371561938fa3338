import { describe, expect, it } from 'vitest';
import { jobforge } from './run-jobforge.js';

describe('jobforge test', () => {
  it('runs golden cases and exits 0 when they pass', () => {
    const run = jobforge(['test', 'connectors/echo']);
    expect(run.stdout).toMatch(/echo@1\.0\.0\n {2}✓ echoes a message/);
    // 5 golden cases and the 2 contract checks derived from the manifest.
    expect(run.stdout).toContain('1 connector: 7 passed, 0 failed');
    expect(run.code).toBe(0);
  });

  it('reports each failure with its diff and exits 1', () => {
    const run = jobforge(['test', 'cli/test/fixtures/golden-fail', '--json']);
    expect(run.code).toBe(1);
    const body = JSON.parse(run.stdout);
    expect(body.ok).toBe(false);
    const cases = Object.fromEntries(
      body.connectors[0].cases.map((c: { name: string; failures: string[] }) => [
        c.name,
        c.failures,
      ]),
    );
    expect(cases).toEqual({
      greets: [],
      'wrong greeting': ['data.greeting: expected "hi Ada", got "hello Ada"'],
      'claims determinism': [
        expect.stringMatching(/^deterministic, but two runs gave different output hashes/),
      ],
      'expects an error': ['expected error INVALID_INPUT, but the run succeeded'],
      'expects artifacts': [
        'evidence: expected the key claims.nothing, missing',
        'output: expected the artifact key report.csv, missing',
      ],
      'contract: input_schema rejects what the zod inputSchema rejects (skipped: the entry exports no zod inputSchema)':
        [],
      'contract: retries follow failure_modes (skipped: no passing case without expected_error has a recorded HTTP exchange)':
        [],
    });
  });

  it('fails a connector whose input_schema differs from its zod inputSchema, without running cases', () => {
    const run = jobforge(['test', 'toolkit/test/fixtures/ZOD_SCHEMA_MISMATCH']);
    expect(run.stdout).toContain('✗ ZOD_SCHEMA_MISMATCH');
    expect(run.stdout).toContain('lacks "shout", which the code accepts');
    expect(run.code).toBe(1);
  });

  it('fails when there is nothing to test', () => {
    const run = jobforge(['test', 'no-such-dir']);
    expect(run.stdout).toContain('PATH_NOT_FOUND');
    expect(run.code).toBe(1);
  });
});
