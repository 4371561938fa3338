import { beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from './helpers.js';

let t: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  t = await startTestServer({ auditWindowMs: 4000 });
});

const rows = async () =>
  (
    await t.db.admin(
      "select outcome, request_id, detail from jobforge.jobforge_api_audit where outcome = 'API_KEY_INVALID' order by id",
    )
  ).rows as { outcome: string; request_id: string; detail: Record<string, unknown> }[];

describe('audit rows of refused keys, bounded per address', () => {
  it('writes one row per address and window, then one summary with the count of the rest', async () => {
    const bad = `jf_${'0'.repeat(12)}_${'x'.repeat(43)}`;
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        fetch(`${t.url}/v1/jobs`, {
          headers: { authorization: `Bearer ${bad}`, 'x-request-id': `flood-${i}` },
        }).then((r) => r.status),
      ),
    );
    // Every request is still refused; only the rows are bounded.
    expect(answers.every((s) => s === 401)).toBe(true);
    await expect.poll(async () => (await rows()).length).toBe(1);
    expect((await rows())[0]!.detail).toMatchObject({ address: '127.0.0.1' });
    // When the window ends, one summary row counts what was not written.
    await expect
      .poll(async () => (await rows()).length, { timeout: 15_000, interval: 250 })
      .toBe(2);
    const summary = (await rows())[1]!;
    expect(summary.request_id).toMatch(/^summary:flood-/);
    expect(summary.detail).toEqual({ address: '127.0.0.1', suppressed: 39, window_ms: 4000 });
    // The next window starts with a row again.
    await fetch(`${t.url}/v1/jobs`, { headers: { authorization: `Bearer ${bad}` } });
    await expect.poll(async () => (await rows()).length).toBe(3);
  });
});
