-- JobForge queue, migration 3: every JobForge object in its own schema, `jobforge`.
--
-- Why: the SECURITY DEFINER functions used to run with search_path = pg_catalog, public, pg_temp.
-- Where an application role may CREATE in `public` (PostgreSQL 14's default, kept by databases
-- upgraded from 14), a tenant could define a function or operator there that the definer's code
-- resolved first, and so run SQL as the functions' owner. Now:
--   * every table and function lives in `jobforge`, which only its owner may create in;
--   * every SECURITY DEFINER function runs with search_path = pg_catalog, jobforge, pg_temp
--     (pg_catalog first so no built-in can be shadowed; pg_temp last and only ever for relations);
--   * clients call the functions schema-qualified (jobforge.jobforge_enqueue_job(…)).
-- Databases created since 0001/0002 create their objects in `jobforge` already; for databases
-- migrated before, this moves the objects (rows, sequences, indexes, policies and triggers move
-- with their tables; grants move with their objects). Either way the end state is the same.

-- (A DO block rather than IF NOT EXISTS, so psql prints no notice when the schema is there.)
do $$
begin
  if to_regnamespace('jobforge') is null then
    create schema jobforge;
  end if;
  -- Applied with psql on a database migrated before: its record of migrations moves too.
  if to_regclass('public.jobforge_migrations') is not null
     and to_regclass('jobforge.jobforge_migrations') is null then
    alter table public.jobforge_migrations set schema jobforge;
  end if;
end
$$;
set local search_path = jobforge, pg_catalog;

insert into jobforge_migrations (id, name) values (3, '0003_jobforge_schema');

do $$
declare
  v_name text;
  v_fn regprocedure;
begin
  foreach v_name in array array['jobforge_jobs', 'jobforge_job_attempts', 'jobforge_job_results',
                                'jobforge_connector_configs'] loop
    if to_regclass('public.' || v_name) is not null then
      execute format('alter table public.%I set schema jobforge', v_name);
    end if;
  end loop;
  for v_fn in
    select p.oid::regprocedure from pg_catalog.pg_proc p
    where p.pronamespace = 'public'::regnamespace
      and p.proname = any (array['jobforge_max_payload_bytes', 'jobforge_caller',
        'jobforge_is_trusted', 'jobforge_resolve_tenant', 'jobforge_payload_too_large',
        'jobforge_backoff_ms', 'jobforge_job_json', 'jobforge_enqueue_job', 'jobforge_enqueue_jobs',
        'jobforge_expire_leases', 'jobforge_claim_jobs', 'jobforge_heartbeat_job',
        'jobforge_complete_jobs', 'jobforge_complete_job', 'jobforge_release_jobs',
        'jobforge_cancel_job', 'jobforge_reschedule_job', 'jobforge_list_jobs', 'jobforge_get_job',
        'jobforge_refuse_change'])
  loop
    execute format('alter function %s set schema jobforge', v_fn);
  end loop;
  -- Every SECURITY DEFINER function, whatever migration made it, runs on the pinned path. Helpers
  -- without SECURITY DEFINER keep no SET clause (so the planner can inline them): they run inside
  -- the definer functions and inherit this path.
  for v_fn in
    select p.oid::regprocedure from pg_catalog.pg_proc p
    where p.pronamespace = 'jobforge'::regnamespace and p.prosecdef
  loop
    execute format('alter function %s set search_path = pg_catalog, jobforge, pg_temp', v_fn);
  end loop;
end
$$;

-- The trusted-role check named the jobs table by its old schema.
create or replace function jobforge_is_trusted() returns boolean
language sql stable
as $$
  select pg_has_role(jobforge_caller(), 'jobforge_worker', 'MEMBER')
      or pg_has_role(jobforge_caller(),
                     (select relowner from pg_class where oid = 'jobforge.jobforge_jobs'::regclass),
                     'MEMBER')
$$;

-- Only the schema's owner (the role that migrates) creates objects here; the application and
-- worker roles may only look objects up. Nothing else is granted on the schema to PUBLIC.
revoke all on schema jobforge from public;
grant usage on schema jobforge to jobforge_app, jobforge_worker;
-- The helpers run only inside the definer functions; nobody needs to call them directly.
revoke all on function jobforge_caller(), jobforge_is_trusted(), jobforge_resolve_tenant(uuid, boolean),
  jobforge_payload_too_large(bigint, integer), jobforge_backoff_ms(integer, integer, integer),
  jobforge_job_json(jobforge_jobs), jobforge_max_payload_bytes() from public;
