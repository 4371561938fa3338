import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type GoldenCases, runGoldenCases } from '@jobforge/registry';
import { runConnector } from '@jobforge/sdk';
import { describe, expect, it } from 'vitest';
import echo from '../src/index.js';

const metadata = JSON.parse(readFileSync(join(import.meta.dirname, '../metadata.json'), 'utf8'));
const golden = JSON.parse(
  readFileSync(join(import.meta.dirname, 'golden.json'), 'utf8'),
) as GoldenCases;

describe('echo', () => {
  it('passes its golden cases', async () => {
    const results = await runGoldenCases(echo, metadata, golden.cases);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results).toHaveLength(golden.cases.length);
  });

  it('records whether it transformed the message as a claim in the evidence', async () => {
    const result = await runConnector(echo, {
      input: { operation: 'echo.say', payload: { message: 'a', uppercase: true } },
    });
    expect(result.ok && result.data).toEqual({ message: 'A', length: 1 });
    expect(result.evidence.predicate.claims).toEqual({ transformed: true });
  });

  it('names the offending field when the input is invalid', async () => {
    const result = await runConnector(echo, {
      input: { operation: 'echo.say', payload: { message: 42 } as never },
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.message).toMatch(/^payload\.message: /);
  });
});
