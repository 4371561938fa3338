-- JobForge queue, migration 4: faults that hurt healthy work.
--   * An attempt is charged only to a job whose handler started. A claim may reserve jobs beyond
--     the ones it starts (a worker's prefetch): they run as 'running' with started_at null and no
--     attempt spent; jobforge_start_jobs charges them when the worker starts them. A reserved job
--     whose lease expires, or whose worker dies, goes back without a charge.
--   * A job that was running when its worker died comes back as a suspect (last_error code
--     LEASE_EXPIRED): a worker holds at most one suspect at a time, so a poison job that crashes
--     its worker never takes the same healthy jobs down with it twice.
--   * Workers announce themselves in jobforge_workers; a worker whose row expired (missed its
--     presence beats, default 6 s) has its jobs freed at the next claim instead of after a lease.
--   * Lease recovery by a tenant-bound session touches that tenant's jobs only.
--   * The jobs table leaves room for HOT updates and is vacuumed early (history must not slow the
--     queue down).
set local search_path = jobforge, pg_catalog;

insert into jobforge.jobforge_migrations (id, name) values (4, '0004_queue_hardening');

create table jobforge.jobforge_workers (
  worker_id text primary key check (length(worker_id) between 1 and 200),
  -- The tenant a bound session registered the worker for; null for a trusted worker. A row can
  -- only free jobs of its own tenant.
  tenant_id uuid,
  expires_at timestamptz not null,
  seen_at timestamptz not null default now()
) with (fillfactor = 50);
alter table jobforge.jobforge_workers enable row level security;
revoke all on jobforge.jobforge_workers from public;

-- Every claim and completion rewrites a job row; fillfactor leaves room on the page so updates that
-- touch no indexed column stay HOT, and vacuum runs after 2% of the rows changed, not 20%.
alter table jobforge.jobforge_jobs set (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.02,
  autovacuum_vacuum_threshold = 1000, autovacuum_analyze_scale_factor = 0.02,
  autovacuum_vacuum_cost_delay = 0);
-- History tables are insert-only: vacuum them for the visibility map, early and without throttling.
alter table jobforge.jobforge_job_attempts set (autovacuum_vacuum_insert_scale_factor = 0.05,
  autovacuum_vacuum_cost_delay = 0);
alter table jobforge.jobforge_job_results set (autovacuum_vacuum_insert_scale_factor = 0.05,
  autovacuum_vacuum_cost_delay = 0);

-- Frees running jobs whose lease expired or whose worker stopped announcing itself, for one tenant
-- (p_tenant) or every tenant (null). A job that had started is charged (its attempt is recorded as
-- lease_expired, dead when out of attempts); a reserved job that never started is not.
create function jobforge.jobforge_recover_jobs(p_tenant uuid) returns integer
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_count integer;
begin
  with lost_workers as materialized (
    select w.worker_id, w.tenant_id from jobforge.jobforge_workers w where w.expires_at < now()
  ), expired as (
    select j.id,
      case when j.locked_until < now() then 'stopped heartbeating; its lease expired'
           else 'stopped announcing itself; it is presumed dead' end as why
    from jobforge.jobforge_jobs j
    where j.status = 'running' and (p_tenant is null or j.tenant_id = p_tenant)
      and (j.locked_until < now() or exists (
        select 1 from lost_workers w
        where w.worker_id = j.locked_by and (w.tenant_id is null or w.tenant_id = j.tenant_id)))
    for update of j skip locked
  ), moved as (
    update jobforge.jobforge_jobs j set
      status = case when j.started_at is not null and j.attempts >= j.max_attempts then 'dead'
                    else 'queued' end,
      -- run_at stays: a freed job goes back to its place at the head of the queue, not behind
      -- every job enqueued since (that wait, not the lease, was most of a SIGKILL's cost).
      lease_token = null, locked_until = null, updated_at = now(),
      last_error = case when j.started_at is null then j.last_error
                        else jsonb_build_object('code', 'LEASE_EXPIRED',
                          'message', 'the worker ' || coalesce(j.locked_by, '?') || ' ' || e.why,
                          'retryable', true) end
    from expired e where j.id = e.id
    returning j.id, j.tenant_id, j.status, j.attempts, j.locked_by, j.started_at, j.last_error
  ), attempts as (
    insert into jobforge.jobforge_job_attempts (job_id, tenant_id, attempt, worker_id, outcome,
      error, started_at)
    select id, tenant_id, attempts, locked_by, 'lease_expired', last_error, started_at
    from moved where started_at is not null
  ), results as (
    insert into jobforge.jobforge_job_results (job_id, tenant_id, attempt, status, error)
    select id, tenant_id, attempts, 'dead', last_error from moved where status = 'dead'
  )
  select count(*) into v_count from moved;
  -- A lost worker's row goes once none of its jobs is left running.
  delete from jobforge.jobforge_workers w
  where w.expires_at < now()
    and not exists (select 1 from jobforge.jobforge_jobs j
                    where j.status = 'running' and j.locked_by = w.worker_id);
  return v_count;
end
$$;
revoke all on function jobforge.jobforge_recover_jobs(uuid) from public;

-- Kept for callers of migration 2; a bound session now recovers its own tenant's jobs only.
create or replace function jobforge.jobforge_expire_leases() returns integer
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
begin
  return jobforge.jobforge_recover_jobs(jobforge.jobforge_resolve_tenant(null, false));
end
$$;

-- A worker's presence beat: it is alive for p_ttl_ms more. p_ttl_ms = 0 removes the row (a clean
-- stop). A row registered for one tenant is never taken over by another tenant or a trusted role.
create function jobforge.jobforge_worker_heartbeat(
  p_worker_id text, p_ttl_ms integer, p_tenant uuid default null)
returns boolean
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge.jobforge_resolve_tenant(p_tenant, false);
begin
  perform set_config('synchronous_commit', 'off', true); -- a lost beat only shortens the presence
  if p_ttl_ms is null or p_ttl_ms < 0 or p_ttl_ms > 3600000 then
    raise exception 'the presence time must be 0 to 3600000 ms, got %', p_ttl_ms using errcode = 'JF004';
  end if;
  if p_ttl_ms = 0 then
    delete from jobforge.jobforge_workers
      where worker_id = p_worker_id and tenant_id is not distinct from v_tenant;
    return found;
  end if;
  insert into jobforge.jobforge_workers as w (worker_id, tenant_id, expires_at)
  values (p_worker_id, v_tenant, now() + p_ttl_ms * interval '1 millisecond')
  on conflict (worker_id) do update
    set expires_at = excluded.expires_at, seen_at = now()
    where w.tenant_id is not distinct from excluded.tenant_id;
  return found;
end
$$;

-- Claim up to p_limit due jobs under one lease, starting (charging an attempt to) the first
-- p_start of them; the rest are reserved for the worker and start with jobforge_start_jobs. A
-- worker holds at most one suspect (a job whose last worker died while running it).
create function jobforge.jobforge_claim_jobs(
  p_worker_id text, p_limit integer, p_types text[], p_lease_ms integer, p_tenant uuid,
  p_start integer)
returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge.jobforge_resolve_tenant(p_tenant, false);
  v_lease uuid := gen_random_uuid();
  v_jobs jsonb;
  v_ids bigint[] := '{}';
  v_suspect_ok boolean;
  v_row record;
begin
  -- A claim lost in a server crash costs nothing: the job is still queued (or its lease expires),
  -- so this commit need not wait for the WAL flush. Completions and enqueues do wait.
  perform set_config('synchronous_commit', 'off', true);
  if exists (select 1 from jobforge.jobforge_jobs
             where status = 'running' and locked_until < now()
               and (v_tenant is null or tenant_id = v_tenant))
     or exists (select 1 from jobforge.jobforge_workers where expires_at < now()) then
    perform jobforge.jobforge_recover_jobs(v_tenant);
  end if;
  v_suspect_ok := not exists (
    select 1 from jobforge.jobforge_jobs r
    where r.status = 'running' and r.locked_by = p_worker_id
      and r.last_error->>'code' = 'LEASE_EXPIRED');
  -- Lock the batch first, then update it by primary key: as a join, the planner may hash the
  -- whole table when its statistics are stale (a queue's always are).
  for v_row in
    select j.id, coalesce(j.last_error->>'code' = 'LEASE_EXPIRED', false) as suspect
    from jobforge.jobforge_jobs j
    where j.status in ('queued', 'failed') and j.run_at <= now()
      and (p_types is null or j.type = any(p_types))
      and (v_tenant is null or j.tenant_id = v_tenant)
      and (v_suspect_ok or j.last_error is null or j.last_error->>'code' <> 'LEASE_EXPIRED')
      and (j.ordering_key is null or not exists (
        select 1 from jobforge.jobforge_jobs o
        where o.tenant_id = j.tenant_id and o.ordering_key = j.ordering_key and o.id < j.id
          and o.status in ('queued', 'failed', 'running')))
    order by j.priority desc, j.run_at, j.id
    limit p_limit
    for update of j skip locked
  loop
    if v_row.suspect then
      continue when not v_suspect_ok;
      v_suspect_ok := false;
    end if;
    v_ids := v_ids || v_row.id;
  end loop;
  if cardinality(v_ids) = 0 then
    return jsonb_build_object('lease', null, 'jobs', '[]'::jsonb);
  end if;
  with batch as (
    select u.id, u.n <= coalesce(p_start, p_limit) as starts
    from unnest(v_ids) with ordinality as u(id, n)
  ), claimed as (
    update jobforge.jobforge_jobs j set status = 'running',
      attempts = j.attempts + b.starts::integer,
      started_at = case when b.starts then now() end,
      locked_by = p_worker_id, lease_token = v_lease, updated_at = now(),
      locked_until = now() + p_lease_ms * interval '1 millisecond'
    from batch b
    where j.id = any(v_ids) and j.id = b.id
    returning j.id, j.tenant_id, j.type, j.payload, j.status, j.priority, j.run_at, j.attempts,
      j.max_attempts, j.trace_id, j.ordering_key, j.idempotency_key, j.locked_until, b.starts
  )
  -- Only what a worker needs: the claim's answer is built for every job it hands out.
  select jsonb_agg(jsonb_build_object(
      'id', c.id::text, 'tenant_id', c.tenant_id, 'type', c.type, 'payload', c.payload,
      'status', c.status, 'priority', c.priority, 'run_at', c.run_at, 'attempts', c.attempts,
      'max_attempts', c.max_attempts, 'trace_id', c.trace_id, 'ordering_key', c.ordering_key,
      'idempotency_key', c.idempotency_key, 'locked_until', c.locked_until, 'started', c.starts)
    order by c.priority desc, c.run_at, c.id) into v_jobs
    from claimed c;
  return jsonb_build_object('lease', v_lease, 'jobs', coalesce(v_jobs, '[]'::jsonb));
end
$$;

-- The claim of migration 2, for its callers: every job it takes starts at once.
create or replace function jobforge.jobforge_claim_jobs(
  p_worker_id text, p_limit integer, p_types text[] default null,
  p_lease_ms integer default 30000, p_tenant uuid default null)
returns jsonb
language sql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
  select jobforge.jobforge_claim_jobs(p_worker_id, p_limit, p_types, p_lease_ms, p_tenant, null)
$$;

-- Starts reserved jobs: charges the attempt the claim did not. p_items: [{id, lease}]. Returns
-- [{id, attempts}] for the jobs this worker still holds (a job whose lease was lost is left out);
-- a job already started is returned unchanged.
create function jobforge.jobforge_start_jobs(p_items jsonb, p_tenant uuid default null)
returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge.jobforge_resolve_tenant(p_tenant, false);
  v_keys bigint[];
  v_out jsonb;
begin
  select array_agg(id) into v_keys from jsonb_to_recordset(p_items) as i(id bigint);
  with input as materialized (
    select * from jsonb_to_recordset(p_items) as i(id bigint, lease uuid)
  ), held as (
    select j.id from jobforge.jobforge_jobs j join input i on j.id = i.id
    where j.id = any(v_keys) and j.lease_token = i.lease
      and (v_tenant is null or j.tenant_id = v_tenant)
    for update of j
  ), started as (
    update jobforge.jobforge_jobs j set
      attempts = j.attempts + (j.started_at is null)::integer,
      started_at = coalesce(j.started_at, now()), updated_at = now()
    from held h where j.id = h.id
    returning j.id, j.attempts
  )
  select jsonb_agg(jsonb_build_object('id', id::text, 'attempts', attempts)) into v_out
  from started;
  return coalesce(v_out, '[]'::jsonb);
end
$$;

-- Gives held jobs back. A started job's attempt is refunded and recorded as released; a reserved
-- job goes back as it was.
create or replace function jobforge.jobforge_release_jobs(p_items jsonb, p_tenant uuid default null)
returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge.jobforge_resolve_tenant(p_tenant, false);
  v_ids jsonb;
  v_keys bigint[];
begin
  select array_agg(id) into v_keys from jsonb_to_recordset(p_items) as i(id bigint);
  with input as materialized (
    select * from jsonb_to_recordset(p_items) as i(id bigint, lease uuid)
  ), before as (
    select j.id, j.started_at is not null as started from jobforge.jobforge_jobs j
    where j.id = any(v_keys)
  ), released as (
    update jobforge.jobforge_jobs j set status = 'queued',
      attempts = case when b.started then greatest(j.attempts - 1, 0) else j.attempts end,
      lease_token = null, locked_until = null, updated_at = now()
    from input i, before b
    where j.id = any(v_keys) and j.id = i.id and b.id = j.id and j.lease_token = i.lease
      and (v_tenant is null or j.tenant_id = v_tenant)
    returning j.id, j.tenant_id, j.attempts, j.locked_by, j.started_at, b.started
  ), attempts as (
    insert into jobforge.jobforge_job_attempts (job_id, tenant_id, attempt, worker_id, outcome,
      error, started_at)
    select id, tenant_id, attempts + 1, locked_by, 'released',
      jsonb_build_object('code', 'RELEASED', 'message', 'the worker shut down before finishing'),
      started_at
    from released where started
  )
  select jsonb_agg(id::text) into v_ids from released;
  if v_ids is not null then
    perform pg_notify('jobforge_jobs', '');
  end if;
  return coalesce(v_ids, '[]'::jsonb);
end
$$;

revoke all on function
  jobforge.jobforge_claim_jobs(text, integer, text[], integer, uuid, integer),
  jobforge.jobforge_start_jobs(jsonb, uuid),
  jobforge.jobforge_worker_heartbeat(text, integer, uuid)
  from public;
grant execute on function
  jobforge.jobforge_claim_jobs(text, integer, text[], integer, uuid, integer),
  jobforge.jobforge_start_jobs(jsonb, uuid),
  jobforge.jobforge_worker_heartbeat(text, integer, uuid)
  to jobforge_app, jobforge_worker;
