import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcess } from './run-in-process.js';

describe('jobforge triggers on the embedded database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jobforge-cli-triggers-'));
  const saved = { url: process.env.DATABASE_URL, tenant: process.env.JOBFORGE_TENANT };
  const jobforge = async (...args: string[]) => {
    const r = await inProcess([...args, '--data-dir', join(dir, 'queue')]);
    return { ...r, json: () => JSON.parse(r.out) };
  };
  beforeAll(() => {
    delete process.env.DATABASE_URL;
    delete process.env.JOBFORGE_TENANT;
    process.env.JOBFORGE_EVENTS_ENABLED = '1';
    process.env.JOBFORGE_TRIGGERS_ENABLED = '1';
  });
  afterAll(() => {
    if (saved.url !== undefined) process.env.DATABASE_URL = saved.url;
    if (saved.tenant !== undefined) process.env.JOBFORGE_TENANT = saved.tenant;
    delete process.env.JOBFORGE_TRIGGERS_ENABLED;
    rmSync(dir, { recursive: true, force: true });
  });

  it('adds cron and event triggers, lists them with the next fire time, pauses, resumes and shows history', async () => {
    const cron = await jobforge(
      'triggers',
      'add',
      'morning',
      '--cron',
      '0 9 * * 1-5',
      '--timezone',
      'Europe/Berlin',
      '--job-type',
      'connector.run',
      '--payload',
      '{"connector":"echo","input":{"message":"hi"}}',
      '--json',
    );
    expect(cron.code).toBe(0);
    expect(cron.json()).toMatchObject({
      ok: true,
      warnings: [],
      trigger: { state: 'enabled', next_fire_at: expect.any(String) },
    });
    const event = await jobforge(
      'triggers',
      'add',
      'deliver',
      '--event',
      'ticket.*',
      '--filter',
      '{"data":{"priority":"high"}}',
      '--job-type',
      'notify',
      '--payload',
      '{"title":{"$from":"data.title"}}',
    );
    expect(event.code).toBe(0);
    expect(event.err).toContain('no handler for job type "notify"');
    const list = await jobforge('triggers', 'list');
    expect(list.out).toMatch(/morning\s+enabled\s+cron "0 9 \* \* 1-5" Europe\/Berlin/);
    expect(list.out).toContain('event ticket.*');
    expect((await jobforge('triggers', 'pause', 'morning')).out).toContain('now paused');
    expect((await jobforge('triggers', 'resume', 'morning')).out).toContain('now enabled');
    await jobforge(
      'events',
      'submit',
      '--type',
      'ticket.created',
      '--data',
      '{"title":"Printer","priority":"high"}',
    );
    await jobforge(
      'events',
      'submit',
      '--type',
      'ticket.created',
      '--data',
      '{"title":"Low","priority":"low"}',
    );
    const history = await jobforge('triggers', 'history', 'deliver', '--json');
    expect(history.json()).toMatchObject([{ outcome: 'fired', job_id: expect.any(String) }]);
    const jobs = await jobforge('jobs', 'list', '--type', 'notify', '--json');
    expect(jobs.json()).toMatchObject([{ payload: { title: 'Printer' } }]);
  }, 120_000);

  it('names the field of a bad schedule, needs one of --cron or --event, and says when the feature is off', async () => {
    const bad = await jobforge(
      'triggers',
      'add',
      'x',
      '--cron',
      '0 9 * *',
      '--timezone',
      'UTC',
      '--job-type',
      'j',
    );
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('[INVALID_SCHEDULE]');
    expect(bad.err).toContain('where: cron');
    const zone = await jobforge(
      'triggers',
      'add',
      'x',
      '--cron',
      '0 9 * * *',
      '--timezone',
      'Berlin',
      '--job-type',
      'j',
    );
    expect(zone.err).toContain('where: timezone');
    const both = await jobforge('triggers', 'add', 'x', '--job-type', 'j');
    expect(both.err).toContain('exactly one of --cron or --event');
    const filter = await jobforge(
      'triggers',
      'add',
      'x',
      '--event',
      'a.b',
      '--filter',
      '{nope',
      '--job-type',
      'j',
    );
    expect(filter.err).toContain('[INVALID_FILTER]');
    expect((await jobforge('triggers', 'show', 'nope')).err).toContain('[TRIGGER_NOT_FOUND]');
    process.env.JOBFORGE_TRIGGERS_ENABLED = '0';
    const off = await jobforge('triggers', 'list');
    process.env.JOBFORGE_TRIGGERS_ENABLED = '1';
    expect(off.code).toBe(2);
    expect(off.err).toContain('[FEATURE_DISABLED]');
    expect(off.err).toContain('JOBFORGE_TRIGGERS_ENABLED');
  }, 60_000);
});
