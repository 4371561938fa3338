import { join } from 'node:path';
import { runConnector } from '@jobforge/sdk';
import { runGoldenFile } from '@jobforge/toolkit';
import { describe, expect, it } from 'vitest';
import echo from '../src/index.js';

describe('echo', () => {
  it('passes its golden cases', async () => {
    const results = await runGoldenFile(echo, join(import.meta.dirname, '..'));
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.length).toBeGreaterThan(3);
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
