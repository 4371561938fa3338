-- JobForge queue, migration 9: retention. Pruning removes the results, attempts, run events and
-- artifact manifests (and unreferenced small artifacts) of finished jobs, in bounded batches,
-- never those of a queued, running or retrying job, and records what it removed.

insert into jobforge.jobforge_migrations (id, name) values (9, '0009_prune_runs');

-- What each prune removed (not written by a dry run).
create table jobforge.jobforge_prune_log (
  id bigint generated always as identity primary key,
  tenant_id uuid,
  older_than interval not null,
  statuses text[] not null,
  jobs integer not null,
  attempts integer not null,
  results integer not null,
  events integer not null,
  manifests integer not null,
  blobs integer not null,
  pruned_by name not null,
  pruned_at timestamptz not null default now()
);
revoke all on jobforge.jobforge_prune_log from public;
grant select on jobforge.jobforge_prune_log to jobforge_worker;

-- Results stay immutable, except to a prune in progress (a transaction-local setting only the
-- prune function sets; no role has DELETE on the table, so nobody else reaches this path).
create or replace function jobforge.jobforge_refuse_change() returns trigger
language plpgsql
set search_path = pg_catalog, jobforge, pg_temp
as $$
begin
  if tg_op = 'DELETE' and current_setting('jobforge.pruning', true) = 'on' then
    return old;
  end if;
  raise exception 'jobforge_job_results rows are immutable (% refused)', tg_op
    using errcode = 'insufficient_privilege';
end
$$;

-- Prunes at most p_limit finished jobs (status in p_statuses, one of succeeded / dead / canceled)
-- last changed before now() - p_older_than. Jobs being changed right now are skipped (SKIP
-- LOCKED), so a prune never waits on, or races, a worker. The job rows stay (ids and idempotency
-- keys keep their meaning). Returns the counts, `more` (a full batch: run again), and `fs_sha256`:
-- the filesystem artifacts no remaining manifest names, for the caller to delete.
create function jobforge.jobforge_prune_runs(
  p_older_than interval, p_statuses text[] default array['succeeded', 'dead', 'canceled'],
  p_limit integer default 1000, p_dry_run boolean default false, p_tenant uuid default null)
returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge_resolve_tenant(p_tenant, false);
  v_ids bigint[];
  v_tenants uuid[];
  v_out jsonb;
  v_attempts integer := 0;
  v_results integer := 0;
  v_events integer := 0;
  v_manifests integer := 0;
  v_blobs integer := 0;
  v_fs text[];
begin
  if p_older_than is null or p_older_than < interval '0' then
    raise exception 'older_than must be a positive interval' using errcode = 'JF004';
  end if;
  if exists (select 1 from unnest(p_statuses) s where s not in ('succeeded', 'dead', 'canceled')) then
    raise exception 'only finished jobs (succeeded, dead, canceled) may be pruned, got %', p_statuses
      using errcode = 'JF004';
  end if;
  select array_agg(id), array_agg(distinct tenant_id) into v_ids, v_tenants from (
    select id, tenant_id from jobforge_jobs
    where status = any(p_statuses) and updated_at < now() - p_older_than
      and (v_tenant is null or tenant_id = v_tenant)
      -- Only jobs with something left to prune, so batches move on and a second prune is a no-op.
      and (exists (select 1 from jobforge_job_attempts a where a.job_id = id)
           or exists (select 1 from jobforge_job_results r where r.job_id = id)
           or exists (select 1 from jobforge_run_events e where e.job_id = id)
           or exists (select 1 from jobforge_artifact_manifests m where m.job_id = id))
    order by id
    limit least(greatest(p_limit, 1), 10000)
    for update skip locked) j;
  if v_ids is null then
    return jsonb_build_object('jobs', 0, 'attempts', 0, 'results', 0, 'events', 0,
      'manifests', 0, 'blobs', 0, 'more', false, 'dry_run', p_dry_run, 'fs_sha256', '[]'::jsonb);
  end if;
  if p_dry_run then
    select count(*) into v_attempts from jobforge_job_attempts where job_id = any(v_ids);
    select count(*) into v_results from jobforge_job_results where job_id = any(v_ids);
    select count(*) into v_events from jobforge_run_events where job_id = any(v_ids);
    select count(*) into v_manifests from jobforge_artifact_manifests where job_id = any(v_ids);
  else
    perform set_config('jobforge.pruning', 'on', true);
    delete from jobforge_job_results where job_id = any(v_ids);
    get diagnostics v_results = row_count;
    perform set_config('jobforge.pruning', 'off', true);
    delete from jobforge_job_attempts where job_id = any(v_ids);
    get diagnostics v_attempts = row_count;
    delete from jobforge_run_events where job_id = any(v_ids);
    get diagnostics v_events = row_count;
    with gone as (
      delete from jobforge_artifact_manifests where job_id = any(v_ids) returning manifest
    ), shas as (
      select distinct a->>'sha256' as sha, a->>'storage' as storage
      from gone, jsonb_array_elements(gone.manifest->'artifacts') a
    ), still as (
      -- A digest another manifest still names stays (content-addressed: shared bytes). Every part
      -- of this statement reads one snapshot, in which the manifests `gone` deletes still exist:
      -- leave them out, or each digest would find its own manifest and no file would ever go.
      select s.sha, s.storage from shas s
      where not exists (select 1 from jobforge_artifact_manifests m
                        where m.job_id <> all(v_ids)
                          and m.manifest->'artifacts' @> jsonb_build_array(jsonb_build_object('sha256', s.sha)))
    )
    select coalesce(array_agg(sha) filter (where storage = 'fs'), '{}'),
           (select count(*) from gone)
      into v_fs, v_manifests
      from still;
    delete from jobforge_run_blobs b
      where b.tenant_id = any(v_tenants)
        and not exists (select 1 from jobforge_artifact_manifests m
                        where m.tenant_id = b.tenant_id
                          and m.manifest->'artifacts' @> jsonb_build_array(jsonb_build_object('sha256', b.sha256)));
    get diagnostics v_blobs = row_count;
    insert into jobforge_prune_log (tenant_id, older_than, statuses, jobs, attempts, results, events,
      manifests, blobs, pruned_by)
    values (v_tenant, p_older_than, p_statuses, cardinality(v_ids), v_attempts, v_results, v_events,
      v_manifests, v_blobs, jobforge_caller());
  end if;
  return jsonb_build_object('jobs', cardinality(v_ids), 'attempts', v_attempts,
    'results', v_results, 'events', v_events, 'manifests', v_manifests, 'blobs', v_blobs,
    'more', cardinality(v_ids) >= least(greatest(p_limit, 1), 10000), 'dry_run', p_dry_run,
    'fs_sha256', to_jsonb(coalesce(v_fs, '{}')));
end
$$;

revoke all on function jobforge.jobforge_prune_runs(interval, text[], integer, boolean, uuid)
  from public;
grant execute on function jobforge.jobforge_prune_runs(interval, text[], integer, boolean, uuid)
  to jobforge_worker;
