import { randomBytes, randomUUID } from 'node:crypto';
import { addTrigger, listTriggers, setTriggerState, triggerHistory } from '@jobforge/queue';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../queue/test/helpers.js';
import { connectSession } from './app-session.js';

process.env.JOBFORGE_TRIGGERS_ENABLED = '1';

// Migration 19: project scope in the trigger and API key functions (SECURITY DEFINER, so the
// RESTRICTIVE policy does not reach them). Run as a real non-superuser login role in jobforge_app.
describe('project scope on the trigger and API key functions', () => {
  let db: TestDatabase;
  const role = `jobforge_scope_tk_${randomBytes(4).toString('hex')}`;
  const tenant = randomUUID();
  const projectP = randomUUID();
  const projectQ = randomUUID();
  const sessions: pg.Client[] = [];

  const session = (settings: Record<string, string>, asRole = true) =>
    connectSession(db.url, settings, asRole ? role : null, sessions);
  const one = async (c: pg.Client, sql: string, params: unknown[] = []) =>
    (await c.query(sql, params)).rows[0]?.r;
  const names = (rows: { name: string }[]) => rows.map((r) => r.name).sort();
  const spec = (name: string, project?: string) =>
    JSON.stringify({
      name,
      kind: 'event',
      job_type: `${name}.react`,
      event_type: 'order.placed',
      ...(project ? { project_id: project } : {}),
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.admin(`create role ${role} login password 'app-pw' nosuperuser`);
    await db.admin(`grant jobforge_app to ${role}`);
    // The trusted host names each trigger's project in its spec, and makes a key in each project.
    for (const [name, project] of [
      ['p-orders', projectP],
      ['q-orders', projectQ],
    ] as const) {
      await db.admin('select jobforge.jobforge_create_trigger($1::jsonb, $2)', [
        spec(name, project),
        tenant,
      ]);
      await db.admin(
        `select jobforge.jobforge_create_api_key($1, $2, $3, $4, sha256(convert_to($4, 'UTF8')))`,
        [tenant, project, `${name}-key`, randomBytes(6).toString('hex')],
      );
    }
    // A history row for each trigger: an event in each project fires the trigger of that project.
    for (const [id, project] of [
      ['p-1', projectP],
      ['q-1', projectQ],
    ] as const)
      await db.admin(
        `select jobforge.jobforge_submit_event(jsonb_build_object('id', $1::text, 'source', 'test',
           'type', 'order.placed', 'project_id', $2::text), $3)`,
        [id, project, tenant],
      );
  });
  afterAll(async () => {
    await Promise.all(sessions.map((c) => c.end().catch(() => {})));
    await db.admin(`drop owned by ${role}`).catch(() => {});
    await db.admin(`revoke jobforge_app from ${role}`).catch(() => {});
  });

  it('create_trigger takes the project from the spec, else the session’s', async () => {
    const stored = await db.admin(
      `select name, project_id from jobforge.jobforge_triggers where tenant_id = $1 order by name`,
      [tenant],
    );
    expect(stored.rows).toEqual([
      { name: 'p-orders', project_id: projectP },
      { name: 'q-orders', project_id: projectQ },
    ]);
    const inP = await session({ 'app.tenant_id': tenant, 'app.project_id': projectP });
    await inP.query('select jobforge.jobforge_create_trigger($1::jsonb)', [spec('p-own')]);
    await inP.query('select jobforge.jobforge_create_trigger($1::jsonb)', [
      spec('p-named', projectP),
    ]);
    await expect(
      inP.query('select jobforge.jobforge_create_trigger($1::jsonb)', [spec('q-sneak', projectQ)]),
    ).rejects.toThrow(/bound to project/);
    await expect(
      inP.query('select jobforge.jobforge_create_trigger($1::jsonb)', [spec('bad', 'web')]),
    ).rejects.toMatchObject({ code: 'JFT01' });
    const mine = await db.admin(
      `select name from jobforge.jobforge_triggers where tenant_id = $1 and project_id = $2
        order by name`,
      [tenant, projectP],
    );
    expect(mine.rows.map((r) => r.name)).toEqual(['p-named', 'p-orders', 'p-own']);
  });

  it('a session bound to P lists, reads the history of and changes only P’s triggers', async () => {
    const inP = await session({ 'app.tenant_id': tenant, 'app.project_id': projectP });
    const listed = await one(inP, 'select jobforge.jobforge_list_triggers() as r');
    expect(names(listed)).toEqual(['p-named', 'p-orders', 'p-own']);
    expect(await one(inP, `select jobforge.jobforge_list_triggers('q-orders') as r`)).toEqual([]);
    const pHistory = await one(inP, `select jobforge.jobforge_trigger_history('p-orders') as r`);
    expect(pHistory.map((h: { outcome: string }) => h.outcome)).toEqual(['fired']);
    expect(await one(inP, `select jobforge.jobforge_trigger_history('q-orders') as r`)).toEqual([]);
    expect(
      await one(inP, `select jobforge.jobforge_set_trigger_state('q-orders', 'paused') as r`),
    ).toBeNull();
    expect(
      (await one(inP, `select jobforge.jobforge_set_trigger_state('p-orders', 'paused') as r`))
        .state,
    ).toBe('paused');
    const states = await db.admin(
      `select name, state from jobforge.jobforge_triggers
        where tenant_id = $1 and name in ('p-orders', 'q-orders') order by name`,
      [tenant],
    );
    expect(states.rows).toEqual([
      { name: 'p-orders', state: 'paused' },
      { name: 'q-orders', state: 'enabled' },
    ]);
    // An argument may not widen the session's project.
    for (const sql of [
      'select jobforge.jobforge_list_triggers(null, null, $1)',
      `select jobforge.jobforge_trigger_history('q-orders', 50, null, null, $1)`,
      `select jobforge.jobforge_set_trigger_state('q-orders', 'paused', null, null, $1)`,
      'select jobforge.jobforge_list_api_keys(null, $1)',
    ])
      await expect(inP.query(sql, [projectQ])).rejects.toThrow(/bound to project/);
  });

  it('a session bound to P lists only P’s API keys', async () => {
    const inP = await session({ 'app.tenant_id': tenant, 'app.project_id': projectP });
    const keys = await one(inP, 'select jobforge.jobforge_list_api_keys() as r');
    expect(keys.map((k: { name: string; project: string }) => [k.name, k.project])).toEqual([
      ['p-orders-key', projectP],
    ]);
  });

  it('p_project narrows a tenant-wide session; null keeps today’s behaviour', async () => {
    const asTenant = await session({ 'app.tenant_id': tenant });
    expect(names(await one(asTenant, 'select jobforge.jobforge_list_triggers() as r'))).toEqual([
      'p-named',
      'p-orders',
      'p-own',
      'q-orders',
    ]);
    expect(
      names(
        await one(asTenant, 'select jobforge.jobforge_list_triggers(null, null, $1) as r', [
          projectQ,
        ]),
      ),
    ).toEqual(['q-orders']);
    expect(
      await one(
        asTenant,
        `select jobforge.jobforge_trigger_history('q-orders', 50, null, null, $1) as r`,
        [projectP],
      ),
    ).toEqual([]);
    expect(
      await one(
        asTenant,
        `select jobforge.jobforge_set_trigger_state('q-orders', 'paused', null, null, $1) as r`,
        [projectP],
      ),
    ).toBeNull();
    expect((await one(asTenant, 'select jobforge.jobforge_list_api_keys() as r')).length).toBe(2);
    const qKeys = await one(asTenant, 'select jobforge.jobforge_list_api_keys(null, $1) as r', [
      projectQ,
    ]);
    expect(qKeys.map((k: { name: string }) => k.name)).toEqual(['q-orders-key']);
  });

  it('the client passes projectId through: the trigger’s project, and a narrower listing', async () => {
    const driver = db.driver({ tenantId: tenant });
    const { trigger } = await addTrigger(
      driver,
      { name: 'q-client', jobType: 'q.client', event: 'order.*' },
      { projectId: projectQ },
    );
    const stored = await db.admin(
      'select project_id from jobforge.jobforge_triggers where id = $1',
      [trigger.id],
    );
    expect(stored.rows[0].project_id).toBe(projectQ);
    expect((await listTriggers(driver, { projectId: projectQ })).map((t) => t.name)).toEqual([
      'q-client',
      'q-orders',
    ]);
    expect(await setTriggerState(driver, 'q-client', 'paused', { projectId: projectP })).toBeNull();
    expect(await triggerHistory(driver, 'q-orders', { projectId: projectP })).toEqual([]);
    await expect(listTriggers(driver, { projectId: 'web' })).rejects.toMatchObject({
      code: 'INVALID_PROJECT',
    });
  });

  it('one governed job (0019’s own path) keeps every check and its grant row', async () => {
    const grant = (token: string) => ({
      token_id: token,
      grant: { iss: 'test', action: 'enqueue:g.one' },
      expires_at: new Date(Date.now() + 60_000).toISOString(),
    });
    const job = (token: string) =>
      JSON.stringify([
        { type: 'g.one', payload: {}, idempotency_key: 'g-one', policy: grant(token) },
      ]);
    const governed = 'select jobforge.jobforge_enqueue_governed($1::jsonb, $2) as r';
    // Only a trusted role may store a grant.
    const asApp = await session({ 'app.tenant_id': tenant });
    await expect(asApp.query(governed, [job('t-1'), tenant])).rejects.toMatchObject({
      code: 'JF002',
    });
    const first = (await db.admin(governed, [job('t-1'), tenant])).rows[0].r;
    expect(first.created).toBe(true);
    // Found again by its idempotency key: the grant it was first enqueued under stays.
    const again = (await db.admin(governed, [job('t-2'), tenant])).rows[0].r;
    expect(again).toEqual({ ids: first.ids, created: false });
    const rows = await db.admin(
      'select token_id from jobforge.jobforge_job_policies where job_id = $1',
      [first.ids[0]],
    );
    expect(rows.rows).toEqual([{ token_id: 't-1' }]);
    await db.admin(
      `insert into jobforge.jobforge_policy_revocations (token_id, tenant_id) values ('t-3', $1)`,
      [tenant],
    );
    expect((await db.admin(governed, [job('t-3'), tenant])).rows[0].r).toEqual({
      revoked: 't-3',
    });
  });
});
