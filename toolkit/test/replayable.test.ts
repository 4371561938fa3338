import type { ConnectorFn } from '@jobforge/sdk';
import { describe, expect, it } from 'vitest';
import { diffOutputs } from '../src/golden/diff-outputs.js';
import { type GoldenMetadata, runGoldenCases } from '../src/index.js';

const META: GoldenMetadata = {
  connector_id: 'stamp',
  version: '1.0.0',
  supported_job_types: ['stamp.run'],
};
const CASES = [{ name: 'stamps', input: { n: 1 } }];

// Returns the input with a random stamp: the same input gives different outputs.
const drifting: ConnectorFn = async ({ input }) => ({
  ok: true,
  data: { input: input.payload, stamp: Math.random(), fixed: 'x' },
});
const steady: ConnectorFn = async ({ input }) => ({ ok: true, data: { input: input.payload } });

// `determinism.replayable` in metadata.json is a promise `jobforge test` checks on every case.
describe('replayable connectors in golden tests', () => {
  it('fails a replayable connector whose two runs differ, naming the paths (NOT_REPLAYABLE)', async () => {
    const meta = { ...META, determinism: { replayable: true } };
    const [result] = await runGoldenCases(drifting, meta, CASES);
    expect(result!.ok).toBe(false);
    expect(result!.failures).toEqual([expect.stringMatching(/^NOT_REPLAYABLE: .* at \$\.stamp;/)]);
  });

  it('passes a replayable connector whose runs agree, and leaves undeclared ones alone', async () => {
    const meta = { ...META, determinism: { replayable: true } };
    expect((await runGoldenCases(steady, meta, CASES))[0]!.ok).toBe(true);
    // Not declared replayable and the case not deterministic: one run, no comparison.
    expect((await runGoldenCases(drifting, META, CASES))[0]!.ok).toBe(true);
  });

  it('diffs JSON values by path', () => {
    expect(
      diffOutputs({ a: 1, b: [1], c: { d: 'x' } }, { a: 2, b: [1, 2], c: { d: 'x' } }),
    ).toEqual(['$.a', '$.b[1]']);
    expect(diffOutputs(1, 1)).toEqual([]);
    expect(diffOutputs({ a: 1 }, null)).toEqual(['$']);
  });
});
