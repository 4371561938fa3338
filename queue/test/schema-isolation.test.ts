import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrate } from '../src/migrate.js';
import { createPgDriver } from '../src/pg-driver.js';
import { createPgliteDriver } from '../src/pglite-driver.js';
import { createQueueClient } from '../src/queue-client.js';
import { describeSchemaSafety, inspectSchemaSafety } from '../src/schema-safety.js';
import { withDatabase } from './global-setup.js';
import { createTestDatabase, TENANT_A, TENANT_B, type TestDatabase } from './helpers.js';

// The search_path hijack: a tenant whose role may CREATE in `public` (PostgreSQL 14's default)
// plants look-alikes of what the SECURITY DEFINER functions refer to. None may ever be reached.
describe('a tenant role that can create objects in public', () => {
  let db: TestDatabase;
  const role = `jobforge_test_attacker_${randomBytes(4).toString('hex')}`;
  let attackerUrl: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.admin(`create role ${role} login password 'attacker-pw' nosuperuser`);
    await db.admin(`grant jobforge_app to ${role}`);
    await db.admin(`grant create on schema public to ${role}`);
    const url = new URL(db.url);
    url.username = role;
    url.password = 'attacker-pw';
    attackerUrl = url.toString();
  });
  afterAll(async () => {
    await db.admin(`drop owned by ${role}`).catch(() => {});
    await db.admin(`revoke jobforge_app from ${role}`).catch(() => {});
  });

  it('cannot make the definer functions run its objects, and cannot touch another tenant', async () => {
    const trusted = createQueueClient(db.driver());
    const victim = await trusted.enqueue('victim.job', { owner: 'B' }, { tenantId: TENANT_B });

    // One session, so its temporary objects are visible to the calls that follow.
    const attacker = new pg.Client({
      connectionString: attackerUrl,
      options: `-c app.tenant_id=${TENANT_A}`,
    });
    await attacker.connect();
    try {
      // Look-alikes of every helper and table the functions name, in public and in pg_temp; each
      // helper rewrites every job it can reach and then fails loudly, so a hit cannot go unseen.
      await attacker.query(`
        create table public.jobforge_jobs (like jobforge.jobforge_jobs);
        create temp table jobforge_jobs (like jobforge.jobforge_jobs);
        create function public.hijack() returns void language sql as
          $$ update jobforge.jobforge_jobs set payload = '{"hijacked":true}' $$;
        create function public.jobforge_resolve_tenant(p_tenant uuid, p_required boolean)
          returns uuid language plpgsql as
          $$ begin perform public.hijack(); raise exception 'HIJACKED resolve_tenant'; end $$;
        create function public.jobforge_is_trusted() returns boolean language plpgsql as
          $$ begin perform public.hijack(); raise exception 'HIJACKED is_trusted'; end $$;
        create function public.jobforge_job_json(j jobforge.jobforge_jobs) returns jsonb
          language plpgsql as
          $$ begin perform public.hijack(); raise exception 'HIJACKED job_json'; end $$;
        create function public.jobforge_max_payload_bytes() returns integer language plpgsql as
          $$ begin raise exception 'HIJACKED max_payload_bytes'; end $$;
        create function public.hijack_uuid_eq(uuid, uuid) returns boolean language plpgsql as
          $$ begin raise exception 'HIJACKED uuid ='; end $$;
        create operator public.= (leftarg = uuid, rightarg = uuid, function = public.hijack_uuid_eq);
        set search_path = public, pg_temp, jobforge;
      `);
      const call = async (sql: string, params: unknown[] = []) =>
        (await attacker.query<{ r: unknown }>(sql, params)).rows[0]?.r;
      const mine = (await call(
        `select jobforge.jobforge_enqueue_job('mine', '{"n":1}'::jsonb, '{}'::jsonb, null) as r`,
      )) as { id: string };
      expect(mine.id).toMatch(/^\d+$/);
      const listed = (await call('select jobforge.jobforge_list_jobs() as r')) as { id: string }[];
      expect(listed.map((j) => j.id)).toEqual([mine.id]);
      expect(await call('select jobforge.jobforge_get_job($1) as r', [victim.id])).toBeNull();
      const claimed = (await call(
        `select jobforge.jobforge_claim_jobs('attacker', 10, null, 30000, null) as r`,
      )) as { jobs: { id: string }[] };
      expect(claimed.jobs.map((j) => j.id)).toEqual([mine.id]);
    } finally {
      await attacker.end();
    }
    expect(await trusted.get(victim.id)).toMatchObject({
      status: 'queued',
      payload: { owner: 'B' },
      tenant_id: TENANT_B,
    });
  });

  it('is named by the safety check that db migrate and doctor print', async () => {
    await db.admin('grant create on schema public to jobforge_app');
    try {
      const safety = await inspectSchemaSafety(db.driver());
      expect(safety.publicCreators.some((r) => r === 'PUBLIC' || r === 'jobforge_app')).toBe(true);
      expect(describeSchemaSafety(safety).join('\n')).toMatch(
        /schema "public" is writable by .*REVOKE CREATE ON SCHEMA public FROM PUBLIC/,
      );
    } finally {
      await db.admin('revoke create on schema public from jobforge_app');
    }
  });
});

describe('the jobforge schema', () => {
  it('holds every JobForge object, and every definer function runs on the pinned search_path', async () => {
    const db = await createTestDatabase();
    const driver = db.driver();
    const safety = await inspectSchemaSafety(driver);
    expect(safety.unpinnedFunctions).toEqual([]);
    const inPublic = await driver.query<{ name: string }>(
      `select c.relname::text as name from pg_class c
         where c.relnamespace = 'public'::regnamespace and c.relname like 'jobforge%'
       union all
       select p.proname::text from pg_proc p
         where p.pronamespace = 'public'::regnamespace and p.proname like 'jobforge%'`,
    );
    expect(inPublic).toEqual([]);
    const definers = await driver.query<{ n: number }>(
      `select count(*)::int as n from pg_proc
        where pronamespace = 'jobforge'::regnamespace and prosecdef`,
    );
    expect(definers[0]?.n).toBeGreaterThanOrEqual(12);
  });

  it('is where a database migrated before the move finds its objects and rows after migrate', async () => {
    const { adminUrl } = inject('queuePg');
    const name = `jobforge_old_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    const driver = createPgDriver({ connectionString: withDatabase(adminUrl, name), max: 2 });
    try {
      // The queue as 0.1.0 installed it: every object in public.
      for (const file of ['0001_schema.sql', '0002_functions.sql']) {
        const sql = readFileSync(
          new URL(`./fixtures/migrations-v0.1.0/${file}`, import.meta.url),
          'utf8',
        );
        await driver.runScript(sql);
      }
      const [old] = await driver.query<{ r: { id: string } }>(
        `select public.jobforge_enqueue_job('old.job', '{"kept":true}'::jsonb, '{}'::jsonb, $1) as r`,
        [TENANT_A],
      );
      const result = await migrate(driver);
      expect(result.present).toEqual(['0001_schema', '0002_functions']);
      expect(result.applied[0]).toBe('0003_jobforge_schema');
      expect(await inspectSchemaSafety(driver)).toMatchObject({ unpinnedFunctions: [] });
      const client = createQueueClient(driver);
      expect(await client.get(old!.r.id)).toMatchObject({ payload: { kept: true } });
      const [claimed] = await client.claim({ workerId: 'w', limit: 1 });
      expect(claimed?.id).toBe(old!.r.id);
      const leftovers = await driver.query(
        `select 1 from pg_class where relnamespace = 'public'::regnamespace and relname like 'jobforge%'`,
      );
      expect(leftovers).toEqual([]);
      expect((await migrate(driver)).applied).toEqual([]);
    } finally {
      await driver.close();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});

describe('binding a connection to a tenant', () => {
  it('refuses a tenant id that is not a UUID, so it cannot carry connection options', async () => {
    const crafted = `${TENANT_A} -c app.tenant_id=${TENANT_B}`;
    expect(() =>
      createPgDriver({ connectionString: 'postgres://x@127.0.0.1/x', tenantId: crafted }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_TENANT', where: 'tenantId' }));
    await expect(createPgliteDriver({ tenantId: crafted })).rejects.toMatchObject({
      code: 'INVALID_TENANT',
    });
  });
});
