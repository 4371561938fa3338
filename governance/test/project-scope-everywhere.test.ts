import { randomBytes, randomUUID } from 'node:crypto';
import { createQueueClient } from '@jobforge/queue';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../queue/test/helpers.js';
import { connectSession } from './app-session.js';

// Migration 17: project scope on events, triggers and run records, and in the SECURITY DEFINER
// get/list functions, which the RESTRICTIVE policy alone does not reach. Run as a real login role
// that may create objects of its own (a view, a function), so a bypass through them would show.
describe('project scope on events, triggers, run records and the core functions', () => {
  let db: TestDatabase;
  const role = `jobforge_scope_app_${randomBytes(4).toString('hex')}`;
  const tenant = randomUUID();
  const projectP = randomUUID();
  const projectQ = randomUUID();
  const sessions: pg.Client[] = [];
  const jobs: Record<'p' | 'q', string> = { p: '', q: '' };

  const session = (settings: Record<string, string>, asRole = true) =>
    connectSession(db.url, settings, asRole ? role : null, sessions);
  const one = async (c: pg.Client, sql: string, params: unknown[] = []) =>
    (await c.query(sql, params)).rows[0]?.r;

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.admin(`create role ${role} login password 'app-pw' nosuperuser`);
    await db.admin(`grant jobforge_app to ${role}`);
    await db.admin(`create schema ${role} authorization ${role}`);
    // The trusted host (the admin role): a job and run events in each project, a trigger in Q, events in both.
    for (const p of ['p', 'q'] as const) {
      const inProject = await session({ 'app.project_id': p === 'p' ? projectP : projectQ }, false);
      jobs[p] = (
        await one(inProject, 'select jobforge.jobforge_enqueue_job($1, $2, $3, $4) as r', [
          `${p}.job`,
          {},
          {},
          tenant,
        ])
      ).id;
      await inProject.query(
        `select jobforge.jobforge_submit_event(jsonb_build_object('id', $1::text, 'source', 'test',
           'type', 'order.placed'), $2)`,
        [`${p}-1`, tenant],
      );
    }
    for (const p of ['p', 'q'] as const)
      await db.admin('select jobforge.jobforge_append_run_events($1, 1, $2, $3)', [
        jobs[p],
        JSON.stringify([{ kind: 'log', message: p }]),
        tenant,
      ]);
    const inQ = await session({ 'app.project_id': projectQ }, false);
    await inQ.query(
      `select jobforge.jobforge_create_trigger('{"name":"q-orders","kind":"event",
        "job_type":"q.react","event_type":"order.placed"}', $1)`,
      [tenant],
    );
  });
  afterAll(async () => {
    await Promise.all(sessions.map((c) => c.end().catch(() => {})));
    await db.admin(`drop schema ${role} cascade`).catch(() => {});
    await db.admin(`drop owned by ${role}`).catch(() => {});
    await db.admin(`revoke jobforge_app from ${role}`).catch(() => {});
  });

  it('stamps events, triggers, trigger history and run records with their project', async () => {
    const rows = await db.admin(
      `select (select array_agg(project_id order by id) from jobforge.jobforge_events
                 where tenant_id = $1) as events,
              (select project_id from jobforge.jobforge_triggers where tenant_id = $1) as trig,
              (select array_agg(distinct project_id) from jobforge.jobforge_trigger_history
                 where tenant_id = $1) as history,
              (select array_agg(project_id order by job_id) from jobforge.jobforge_run_events
                 where tenant_id = $1) as runs`,
      [tenant],
    );
    expect(rows.rows[0]).toEqual({
      events: [projectP, projectQ],
      trig: projectQ,
      history: null,
      runs: [projectP, projectQ],
    });
  });

  it('a session bound to project P finds nothing of project Q, through tables, functions or its own view', async () => {
    const inP = await session({ 'app.tenant_id': tenant, 'app.project_id': projectP });
    expect(await one(inP, 'select jobforge.jobforge_get_job($1) as r', [jobs.q])).toBeNull();
    expect((await one(inP, 'select jobforge.jobforge_get_job($1) as r', [jobs.p])).type).toBe(
      'p.job',
    );
    const listed = await one(inP, 'select jobforge.jobforge_list_jobs() as r');
    expect(listed.map((j: { type: string }) => j.type)).toEqual(['p.job']);
    expect(
      await one(inP, 'select jobforge.jobforge_list_run_events($1) as r', [jobs.q]),
    ).toBeNull();
    expect(await one(inP, 'select jobforge.jobforge_list_run_events($1) as r', [jobs.p])).toEqual([
      expect.objectContaining({ message: 'p' }),
    ]);
    const events = await one(inP, `select jobforge.jobforge_query_events('{}') as r`);
    expect(events.events.map((e: { id: string }) => e.id)).toEqual(['p-1']);
    for (const table of ['jobforge_events', 'jobforge_triggers', 'jobforge_run_events']) {
      const seen = await inP.query(`select project_id from jobforge.${table}`);
      expect(seen.rows.every((r: { project_id: string }) => r.project_id === projectP)).toBe(true);
    }
    // An object the role creates itself runs as the role: the policy still applies.
    await inP.query(
      `create view ${role}.all_events as select id, project_id from jobforge.jobforge_events`,
    );
    expect((await inP.query(`select id from ${role}.all_events`)).rows).toEqual([{ id: 'p-1' }]);
    // An argument may not widen the session's project.
    await expect(
      inP.query('select jobforge.jobforge_get_job($1, null, $2) as r', [jobs.q, projectQ]),
    ).rejects.toThrow(/bound to project/);
    await expect(
      inP.query(`select jobforge.jobforge_submit_event($1::jsonb)`, [
        JSON.stringify({ id: 'x', source: 's', type: 'order.placed', project_id: projectQ }),
      ]),
    ).rejects.toThrow(/bound to project/);
  });

  it('p_project narrows a tenant-wide session; null keeps today’s behaviour', async () => {
    const asTenant = await session({ 'app.tenant_id': tenant });
    expect(
      await one(asTenant, 'select jobforge.jobforge_get_job($1, null, $2) as r', [
        jobs.q,
        projectP,
      ]),
    ).toBeNull();
    const all = await one(asTenant, 'select jobforge.jobforge_list_jobs() as r');
    expect(all.map((j: { type: string }) => j.type).sort()).toEqual(['p.job', 'q.job']);
    const client = createQueueClient(db.driver({ tenantId: tenant }));
    expect((await client.list({ projectId: projectQ })).map((j) => j.type)).toEqual(['q.job']);
    expect(await client.get(jobs.p, { projectId: projectQ })).toBeNull();
    await expect(client.get(jobs.p, { projectId: 'web' })).rejects.toMatchObject({
      code: 'INVALID_PROJECT',
    });
  });

  it('an event trigger carries the event’s project to its job; a trigger of Q hears only Q', async () => {
    const host = await session({}, false);
    await host.query(
      `select jobforge.jobforge_create_trigger('{"name":"any-orders","kind":"event",
        "job_type":"any.react","event_type":"order.placed"}', $1)`,
      [tenant],
    );
    for (const [id, project] of [
      ['p-2', projectP],
      ['q-2', projectQ],
    ] as const)
      await host.query(
        `select jobforge.jobforge_submit_event(jsonb_build_object('id', $1::text, 'source', 'test',
           'type', 'order.placed', 'project_id', $2::text), $3)`,
        [id, project, tenant],
      );
    const made = await db.admin(
      `select type, project_id from jobforge.jobforge_jobs
        where tenant_id = $1 and type like '%.react' order by id`,
      [tenant],
    );
    expect(made.rows).toEqual([
      { type: 'any.react', project_id: projectP },
      { type: 'any.react', project_id: projectQ },
      { type: 'q.react', project_id: projectQ },
    ]);
    // The host's session is not left bound to the event's project.
    expect(
      (await host.query(`select coalesce(current_setting('app.project_id', true), '') as p`))
        .rows[0].p,
    ).toBe('');
    await expect(
      host.query(
        `select jobforge.jobforge_submit_event('{"id":"w","source":"s","type":"order.placed",
          "project_id":"web"}', $1)`,
        [tenant],
      ),
    ).rejects.toMatchObject({ code: 'JFE01' });
  });
});
