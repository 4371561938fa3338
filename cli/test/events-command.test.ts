import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcess } from './run-in-process.js';

describe('jobforge events submit / list on the embedded database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jobforge-cli-events-'));
  const saved = { url: process.env.DATABASE_URL, tenant: process.env.JOBFORGE_TENANT };
  const jobforge = async (...args: string[]) => {
    const r = await inProcess([...args, '--data-dir', join(dir, 'queue')]);
    return { ...r, json: () => JSON.parse(r.out) };
  };
  beforeAll(() => {
    process.env.JOBFORGE_EVENTS_ENABLED = '1';
    delete process.env.DATABASE_URL;
    delete process.env.JOBFORGE_TENANT;
  });
  afterAll(() => {
    if (saved.url !== undefined) process.env.DATABASE_URL = saved.url;
    if (saved.tenant !== undefined) process.env.JOBFORGE_TENANT = saved.tenant;
    rmSync(dir, { recursive: true, force: true });
  });

  it('submits, answers a duplicate with the first event, and lists by prefix', async () => {
    const submit = (data: string) =>
      jobforge(
        'events',
        'submit',
        '--type',
        'invoice.paid',
        '--source',
        'billing',
        '--id',
        'in_1',
        '--data',
        data,
        '--json',
      );
    const first = await submit('{"amount":12}');
    expect(first.code).toBe(0);
    expect(first.json()).toMatchObject({
      ok: true,
      created: true,
      event: { data: { amount: 12 } },
    });
    const again = await submit('{"amount":99}');
    expect(again.json()).toMatchObject({
      created: false,
      event: { data: { amount: 12 }, duplicates: 1 },
    });
    await jobforge('events', 'submit', '--type', 'order.created', '--json');
    const list = await jobforge('events', 'list', '--type', 'invoice.*');
    expect(list.code).toBe(0);
    expect(list.out).toContain('billing/in_1');
    expect(list.out).not.toContain('order.created');
  }, 120_000);

  it('refuses a type that is not reverse-DNS with a coded message and exit code 2', async () => {
    const bad = await jobforge('events', 'submit', '--type', 'paid');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('[INVALID_EVENT]');
    expect(bad.err).not.toContain('    at ');
    const missing = await jobforge('events', 'submit');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('--type');
  });
});
