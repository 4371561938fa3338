-- JobForge queue, migration 2: the functions every read-write goes through.
-- Each is SECURITY DEFINER with a fixed search_path and checks the tenant itself:
--   * app.tenant_id set   -> the call acts for that tenant only (a p_tenant argument must match it);
--   * app.tenant_id unset -> only a trusted role (member of jobforge_worker, or of the tables' owner)
--                            may call, and p_tenant picks the tenant (null = every tenant).
-- Errors raised here use SQLSTATEs JF001..JF004, which the client maps to stable error codes.

set local search_path = jobforge, pg_catalog;

insert into jobforge_migrations (id, name) values (2, '0002_functions');

create function jobforge_max_payload_bytes() returns integer
language sql immutable parallel safe
as $$ select 262144 $$;

-- Helpers below carry no SET clause, so the planner can inline them; they run only inside the
-- SECURITY DEFINER functions, whose fixed search_path they inherit.

-- The role the caller is acting as. Inside SECURITY DEFINER current_user is the owner, so look at
-- SET ROLE first, then the login role.
create function jobforge_caller() returns name
language sql stable
as $$
  select case when current_setting('role') = 'none' then session_user
              else current_setting('role')::name end
$$;

create function jobforge_is_trusted() returns boolean
language sql stable
as $$
  select pg_has_role(jobforge_caller(), 'jobforge_worker', 'MEMBER')
      or pg_has_role(jobforge_caller(),
                     (select relowner from pg_class where oid = 'jobforge.jobforge_jobs'::regclass),
                     'MEMBER')
$$;

create function jobforge_resolve_tenant(p_tenant uuid, p_required boolean) returns uuid
language plpgsql stable
as $$
declare
  v_setting text := nullif(current_setting('app.tenant_id', true), '');
  v_session uuid;
begin
  if v_setting is not null then
    if v_setting !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
      raise exception 'app.tenant_id must be a UUID, got "%"', left(v_setting, 80)
        using errcode = 'JF003', hint = 'set app.tenant_id to the tenant''s UUID';
    end if;
    v_session := v_setting::uuid;
    if p_tenant is not null and p_tenant <> v_session then
      raise exception 'this session is bound to tenant % and may not act for another tenant', v_session
        using errcode = 'JF002';
    end if;
    return v_session;
  end if;
  if not jobforge_is_trusted() then
    raise exception 'app.tenant_id is not set, and role % may not act for every tenant', jobforge_caller()
      using errcode = 'JF002',
            hint = 'set app.tenant_id to your tenant UUID, or grant jobforge_worker to a trusted worker role';
  end if;
  if p_required and p_tenant is null then
    raise exception 'a tenant id is required' using errcode = 'JF004',
      hint = 'pass the tenant UUID, or set app.tenant_id';
  end if;
  return p_tenant;
end
$$;

-- Exponential backoff with equal jitter, capped: [d/2, d) where d = min(cap, base * 2^(attempt-1)).
create function jobforge_payload_too_large(p_index bigint, p_bytes integer) returns jsonb
language plpgsql
as $$
begin
  raise exception 'job % of the batch has a payload of % bytes of JSON; the limit is % bytes',
    p_index - 1, p_bytes, jobforge_max_payload_bytes()
    using errcode = 'JF001', hint = 'store large data elsewhere and enqueue a reference to it';
end
$$;

create function jobforge_backoff_ms(p_attempt integer, p_base_ms integer, p_max_ms integer)
returns double precision
language sql volatile
as $$
  select least(p_max_ms::double precision, p_base_ms * power(2::double precision, greatest(p_attempt - 1, 0)))
         * (0.5 + random() / 2)
$$;

create function jobforge_job_json(j jobforge_jobs) returns jsonb
language sql stable
as $$
  select jsonb_build_object(
    'id', j.id::text, 'tenant_id', j.tenant_id, 'type', j.type, 'payload', j.payload,
    'status', j.status, 'priority', j.priority, 'run_at', j.run_at, 'attempts', j.attempts,
    'max_attempts', j.max_attempts, 'idempotency_key', j.idempotency_key,
    'ordering_key', j.ordering_key, 'trace_id', j.trace_id, 'locked_by', j.locked_by,
    'locked_until', j.locked_until, 'started_at', j.started_at, 'last_error', j.last_error,
    'created_at', j.created_at, 'updated_at', j.updated_at)
$$;

-- Enqueue one job; idempotent on (tenant_id, type, idempotency_key). Returns {id, created}.
create function jobforge_enqueue_job(
  p_type text, p_payload jsonb, p_options jsonb default '{}'::jsonb, p_tenant uuid default null)
returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge_resolve_tenant(p_tenant, true);
  v_key text := p_options->>'idempotency_key';
  v_run_at timestamptz := coalesce((p_options->>'run_at')::timestamptz, now());
  v_id bigint;
begin
  if p_payload is null then
    raise exception 'the payload must be a JSON value, got SQL NULL' using errcode = 'JF004';
  end if;
  if octet_length(p_payload::text) > jobforge_max_payload_bytes() then
    raise exception 'the payload is % bytes of JSON; the limit is % bytes',
      octet_length(p_payload::text), jobforge_max_payload_bytes()
      using errcode = 'JF001', hint = 'store large data elsewhere and enqueue a reference to it';
  end if;
  insert into jobforge_jobs (tenant_id, type, payload, priority, run_at, max_attempts,
    backoff_base_ms, backoff_max_ms, idempotency_key, ordering_key, trace_id)
  values (v_tenant, p_type, p_payload, coalesce((p_options->>'priority')::integer, 0), v_run_at,
    coalesce((p_options->>'max_attempts')::integer, 5),
    coalesce((p_options->>'backoff_base_ms')::integer, 1000),
    coalesce((p_options->>'backoff_max_ms')::integer, 3600000),
    v_key, p_options->>'ordering_key', p_options->>'trace_id')
  on conflict (tenant_id, type, idempotency_key) where idempotency_key is not null do nothing
  returning id into v_id;
  if v_id is null then
    select id into v_id from jobforge_jobs
      where tenant_id = v_tenant and type = p_type and idempotency_key = v_key;
    return jsonb_build_object('id', v_id::text, 'created', false);
  end if;
  if v_run_at <= now() then
    perform pg_notify('jobforge_jobs', p_type);
  end if;
  return jsonb_build_object('id', v_id::text, 'created', true);
end
$$;

-- Enqueue many jobs in one statement: p_jobs is a JSON array of
-- {type, payload, priority?, run_at?, max_attempts?, idempotency_key?, ordering_key?, trace_id?}.
-- Returns the job ids in input order (an existing id where an idempotency key matched). One NOTIFY.
create function jobforge_enqueue_jobs(p_jobs jsonb, p_tenant uuid default null)
returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge_resolve_tenant(p_tenant, true);
  v_plain bigint[];
  v_inserted integer;
  v_keyed boolean;
begin
  if jsonb_typeof(p_jobs) is distinct from 'array' then
    raise exception 'jobs must be a JSON array' using errcode = 'JF004';
  end if;
  -- One pass: the size check rides along in the insert (a missing type or payload breaks a
  -- NOT NULL or CHECK constraint of the table).
  with ins as (
    insert into jobforge_jobs (tenant_id, type, payload, priority, run_at, max_attempts,
      backoff_base_ms, backoff_max_ms, idempotency_key, ordering_key, trace_id)
    select v_tenant, j->>'type',
      case when octet_length((j->'payload')::text) > jobforge_max_payload_bytes()
           then jobforge_payload_too_large(n, octet_length((j->'payload')::text))
           else j->'payload' end,
      coalesce((j->>'priority')::integer, 0),
      coalesce((j->>'run_at')::timestamptz, now()), coalesce((j->>'max_attempts')::integer, 5),
      coalesce((j->>'backoff_base_ms')::integer, 1000),
      coalesce((j->>'backoff_max_ms')::integer, 3600000),
      j->>'idempotency_key', j->>'ordering_key', j->>'trace_id'
    from jsonb_array_elements(p_jobs) with ordinality as e(j, n)
    order by n
    on conflict (tenant_id, type, idempotency_key) where idempotency_key is not null do nothing
    returning id, idempotency_key
  )
  select array_agg(id order by id) filter (where idempotency_key is null), count(*),
         coalesce(bool_or(idempotency_key is not null), false)
    into v_plain, v_inserted, v_keyed
    from ins;
  perform pg_notify('jobforge_jobs', '');
  if v_inserted = jsonb_array_length(p_jobs) and not v_keyed then
    -- No keys (every row went in): identity values rise in insertion order, which is input order.
    return coalesce(to_jsonb(v_plain::text[]), '[]'::jsonb);
  end if;
  return (
    with input as (
      select n, j->>'type' as type, j->>'idempotency_key' as key,
        case when j->>'idempotency_key' is null
             then row_number() over (partition by j->>'idempotency_key' is null order by n) end as rn
      from jsonb_array_elements(p_jobs) with ordinality as e(j, n)
    )
    select jsonb_agg(coalesce(v_plain[i.rn], k.id)::text order by i.n)
    from input i
    left join jobforge_jobs k on i.key is not null and k.tenant_id = v_tenant
      and k.type = i.type and k.idempotency_key = i.key
  );
end
$$;

-- Expired leases go back to the queue (or to dead when out of attempts), each recorded as an attempt.
create function jobforge_expire_leases() returns integer
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_count integer;
begin
  with expired as (
    select id from jobforge_jobs
    where status = 'running' and locked_until < now()
    for update skip locked
  ), moved as (
    update jobforge_jobs j set
      status = case when j.attempts >= j.max_attempts then 'dead' else 'queued' end,
      lease_token = null, locked_until = null, run_at = now(), updated_at = now(),
      last_error = jsonb_build_object('code', 'LEASE_EXPIRED',
        'message', 'the worker ' || coalesce(j.locked_by, '?') ||
                   ' stopped heartbeating; its lease expired', 'retryable', true)
    from expired e where j.id = e.id
    returning j.id, j.tenant_id, j.status, j.attempts, j.locked_by, j.started_at, j.last_error
  ), attempts as (
    insert into jobforge_job_attempts (job_id, tenant_id, attempt, worker_id, outcome, error, started_at)
    select id, tenant_id, attempts, locked_by, 'lease_expired', last_error, started_at from moved
  ), results as (
    insert into jobforge_job_results (job_id, tenant_id, attempt, status, error)
    select id, tenant_id, attempts, 'dead', last_error from moved where status = 'dead'
  )
  select count(*) into v_count from moved;
  return v_count;
end
$$;

-- Claim up to p_limit due jobs with FOR UPDATE SKIP LOCKED and a lease of p_lease_ms, in one round
-- trip. Jobs sharing an ordering key run one at a time, oldest first. Returns {lease, jobs: [...]}.
create function jobforge_claim_jobs(
  p_worker_id text, p_limit integer, p_types text[] default null,
  p_lease_ms integer default 30000, p_tenant uuid default null)
returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge_resolve_tenant(p_tenant, false);
  v_lease uuid := gen_random_uuid();
  v_jobs jsonb;
  v_ids bigint[];
begin
  -- A claim lost in a server crash costs nothing: the job is still queued (or its lease expires),
  -- so this commit need not wait for the WAL flush. Completions and enqueues do wait.
  perform set_config('synchronous_commit', 'off', true);
  if exists (select 1 from jobforge_jobs where status = 'running' and locked_until < now()) then
    perform jobforge_expire_leases();
  end if;
  -- Lock the batch first, then update it by primary key: as a join, the planner may hash the
  -- whole table when its statistics are stale (a queue's always are).
  v_ids := array(
    select j.id from jobforge_jobs j
    where j.status in ('queued', 'failed') and j.run_at <= now()
      and (p_types is null or j.type = any(p_types))
      and (v_tenant is null or j.tenant_id = v_tenant)
      and (j.ordering_key is null or not exists (
        select 1 from jobforge_jobs o
        where o.tenant_id = j.tenant_id and o.ordering_key = j.ordering_key and o.id < j.id
          and o.status in ('queued', 'failed', 'running')))
    order by j.priority desc, j.run_at, j.id
    limit p_limit
    for update skip locked);
  if cardinality(v_ids) = 0 then
    return jsonb_build_object('lease', null, 'jobs', '[]'::jsonb);
  end if;
  with claimed as (
    update jobforge_jobs j set status = 'running', attempts = j.attempts + 1,
      locked_by = p_worker_id, lease_token = v_lease, started_at = now(), updated_at = now(),
      locked_until = now() + p_lease_ms * interval '1 millisecond'
    where j.id = any(v_ids)
    returning j.id, j.tenant_id, j.type, j.payload, j.status, j.priority, j.run_at, j.attempts,
      j.max_attempts, j.trace_id, j.ordering_key, j.idempotency_key, j.locked_until
  )
  -- Only what a worker needs: the claim's answer is built for every job it hands out.
  select jsonb_agg(jsonb_build_object(
      'id', c.id::text, 'tenant_id', c.tenant_id, 'type', c.type, 'payload', c.payload,
      'status', c.status, 'priority', c.priority, 'run_at', c.run_at, 'attempts', c.attempts,
      'max_attempts', c.max_attempts, 'trace_id', c.trace_id, 'ordering_key', c.ordering_key,
      'idempotency_key', c.idempotency_key, 'locked_until', c.locked_until)
    order by c.priority desc, c.run_at, c.id) into v_jobs
    from claimed c;
  return jsonb_build_object('lease', v_lease, 'jobs', coalesce(v_jobs, '[]'::jsonb));
end
$$;

-- Extends the lease of every running job held under the given lease tokens. Returns the ids still
-- held, so a worker learns which jobs it lost.
create function jobforge_heartbeat_job(
  p_leases uuid[], p_lease_ms integer default 30000, p_tenant uuid default null)
returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge_resolve_tenant(p_tenant, false);
  v_ids jsonb;
begin
  perform set_config('synchronous_commit', 'off', true); -- a lost heartbeat only shortens a lease
  with extended as (
    update jobforge_jobs set locked_until = now() + p_lease_ms * interval '1 millisecond'
    where status = 'running' and lease_token = any(p_leases)
      and (v_tenant is null or tenant_id = v_tenant)
    returning id
  )
  select jsonb_agg(id::text) into v_ids from extended;
  return coalesce(v_ids, '[]'::jsonb);
end
$$;

-- Completes running jobs in one statement. p_items: [{id, lease, ok, result?, evidence?, error?,
-- retryable?, retry_in_ms?}]. Success stores the result; a retryable failure waits as 'failed' for
-- its backoff (then is claimable again) until max_attempts, then 'dead'; a non-retryable failure is
-- 'dead' at once. The attempt row and the result row are written in the same statement.
-- Returns [{id, status}] for the jobs completed; a job whose lease was lost is left out.
create function jobforge_complete_jobs(p_items jsonb, p_tenant uuid default null)
returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge_resolve_tenant(p_tenant, false);
  v_done jsonb;
  v_wake boolean;
  v_ids bigint[];
begin
  -- Find the jobs by primary key (id = any(array)). Written as a join on `status = 'running'`, the
  -- planner trusts statistics taken when nothing ran and scans every running entry per item.
  select array_agg(id) into v_ids from jsonb_to_recordset(p_items) as i(id bigint);
  with input as materialized (
    select * from jsonb_to_recordset(p_items) as i(id bigint, lease uuid, ok boolean, result jsonb,
      evidence jsonb, error jsonb, retryable boolean, retry_in_ms double precision)
  ), done as (
    update jobforge_jobs j set
      status = case when i.ok then 'succeeded'
                    when coalesce(i.retryable, true) and j.attempts < j.max_attempts then 'failed'
                    else 'dead' end,
      run_at = case when not i.ok and coalesce(i.retryable, true) and j.attempts < j.max_attempts
                    then now() + coalesce(i.retry_in_ms,
                           jobforge_backoff_ms(j.attempts, j.backoff_base_ms, j.backoff_max_ms))
                         * interval '1 millisecond'
                    else j.run_at end,
      lease_token = null, locked_until = null, updated_at = now(),
      last_error = case when i.ok then null else i.error end
    from input i
    -- A lease token is set exactly while the job runs (a CHECK constraint holds it).
    where j.id = any(v_ids) and j.id = i.id and j.lease_token = i.lease
      and (v_tenant is null or j.tenant_id = v_tenant)
    returning j.id, j.tenant_id, j.status, j.attempts, j.locked_by, j.started_at, j.ordering_key,
      i.ok, i.result, i.evidence, i.error
  ), attempts as (
    insert into jobforge_job_attempts (job_id, tenant_id, attempt, worker_id, outcome, error,
      evidence, started_at)
    select id, tenant_id, attempts, locked_by, case when ok then 'succeeded' else 'failed' end,
      error, evidence, started_at
    from done
  ), results as (
    insert into jobforge_job_results (job_id, tenant_id, attempt, status, result, error, evidence)
    select id, tenant_id, attempts, status, result, error, evidence
    from done where status in ('succeeded', 'dead')
  )
  select jsonb_agg(jsonb_build_object('id', id::text, 'status', status)),
         bool_or(ordering_key is not null)
    into v_done, v_wake
    from done;
  -- The next job of an ordering key is claimable now: wake idle workers rather than wait for a poll.
  if v_wake then
    perform pg_notify('jobforge_jobs', '');
  end if;
  return coalesce(v_done, '[]'::jsonb);
end
$$;

create function jobforge_complete_job(
  p_job_id bigint, p_lease uuid, p_outcome jsonb, p_tenant uuid default null)
returns text
language sql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
  select x->>'status' from jsonb_array_elements(jobforge_complete_jobs(
    jsonb_build_array(p_outcome || jsonb_build_object('id', p_job_id, 'lease', p_lease)),
    p_tenant)) x
$$;

-- Gives running jobs back to the queue without spending an attempt (graceful shutdown, prefetched
-- jobs never started). p_items: [{id, lease}]. Returns the ids released.
create function jobforge_release_jobs(p_items jsonb, p_tenant uuid default null)
returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge_resolve_tenant(p_tenant, false);
  v_ids jsonb;
  v_keys bigint[];
begin
  select array_agg(id) into v_keys from jsonb_to_recordset(p_items) as i(id bigint);
  with input as materialized (
    select * from jsonb_to_recordset(p_items) as i(id bigint, lease uuid)
  ), released as (
    update jobforge_jobs j set status = 'queued', attempts = greatest(j.attempts - 1, 0),
      lease_token = null, locked_until = null, updated_at = now()
    from input i
    where j.id = any(v_keys) and j.id = i.id and j.lease_token = i.lease
      and (v_tenant is null or j.tenant_id = v_tenant)
    returning j.id, j.tenant_id, j.attempts, j.locked_by, j.started_at
  ), attempts as (
    insert into jobforge_job_attempts (job_id, tenant_id, attempt, worker_id, outcome, error, started_at)
    select id, tenant_id, attempts + 1, locked_by, 'released',
      jsonb_build_object('code', 'RELEASED', 'message', 'the worker shut down before finishing'),
      started_at
    from released
  )
  select jsonb_agg(id::text) into v_ids from released;
  if v_ids is not null then
    perform pg_notify('jobforge_jobs', '');
  end if;
  return coalesce(v_ids, '[]'::jsonb);
end
$$;

-- Cancels a queued (or waiting-to-retry) job. Returns {id, status, changed}, or null when the job
-- does not exist for this tenant.
create function jobforge_cancel_job(p_job_id bigint, p_tenant uuid default null)
returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge_resolve_tenant(p_tenant, false);
  v_status text;
begin
  update jobforge_jobs set status = 'canceled', updated_at = now()
    where id = p_job_id and status in ('queued', 'failed')
      and (v_tenant is null or tenant_id = v_tenant)
    returning status into v_status;
  if found then
    return jsonb_build_object('id', p_job_id::text, 'status', v_status, 'changed', true);
  end if;
  select status into v_status from jobforge_jobs
    where id = p_job_id and (v_tenant is null or tenant_id = v_tenant);
  if not found then
    return null;
  end if;
  return jsonb_build_object('id', p_job_id::text, 'status', v_status, 'changed', false);
end
$$;

-- Revives a dead, failed or canceled job: queued again at p_run_at with a fresh set of attempts.
-- Returns {id, status, changed}, or null when the job does not exist for this tenant.
create function jobforge_reschedule_job(
  p_job_id bigint, p_run_at timestamptz default null, p_tenant uuid default null)
returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge_resolve_tenant(p_tenant, false);
  v_status text;
begin
  update jobforge_jobs set status = 'queued', attempts = 0, run_at = coalesce(p_run_at, now()),
      updated_at = now()
    where id = p_job_id and status in ('dead', 'failed', 'canceled')
      and (v_tenant is null or tenant_id = v_tenant)
    returning status into v_status;
  if found then
    perform pg_notify('jobforge_jobs', '');
    return jsonb_build_object('id', p_job_id::text, 'status', v_status, 'changed', true);
  end if;
  select status into v_status from jobforge_jobs
    where id = p_job_id and (v_tenant is null or tenant_id = v_tenant);
  if not found then
    return null;
  end if;
  return jsonb_build_object('id', p_job_id::text, 'status', v_status, 'changed', false);
end
$$;

-- Newest first, optionally by status and type, paged by p_before_id.
create function jobforge_list_jobs(
  p_status text default null, p_type text default null, p_limit integer default 50,
  p_before_id bigint default null, p_tenant uuid default null)
returns jsonb
language plpgsql stable security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge_resolve_tenant(p_tenant, false);
  v_jobs jsonb;
begin
  select jsonb_agg(jobforge_job_json(j.*) order by j.id desc) into v_jobs
  from (
    select * from jobforge_jobs
    where (v_tenant is null or tenant_id = v_tenant)
      and (p_status is null or status = p_status)
      and (p_type is null or type = p_type)
      and (p_before_id is null or id < p_before_id)
    order by id desc
    limit least(greatest(p_limit, 1), 1000)
  ) j;
  return coalesce(v_jobs, '[]'::jsonb);
end
$$;

-- One job with its attempts and results, or null when it does not exist for this tenant.
create function jobforge_get_job(p_job_id bigint, p_tenant uuid default null)
returns jsonb
language plpgsql stable security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge_resolve_tenant(p_tenant, false);
  v_job jobforge_jobs;
begin
  select * into v_job from jobforge_jobs
    where id = p_job_id and (v_tenant is null or tenant_id = v_tenant);
  if not found then
    return null;
  end if;
  return jobforge_job_json(v_job) || jsonb_build_object(
    'attempt_history', coalesce((
      select jsonb_agg(jsonb_build_object('attempt', a.attempt, 'outcome', a.outcome,
        'worker_id', a.worker_id, 'error', a.error, 'evidence', a.evidence, 'started_at', a.started_at,
        'finished_at', a.finished_at) order by a.finished_at, a.attempt)
      from jobforge_job_attempts a where a.job_id = p_job_id), '[]'::jsonb),
    'results', coalesce((
      select jsonb_agg(jsonb_build_object('attempt', r.attempt, 'status', r.status,
        'result', r.result, 'error', r.error, 'evidence', r.evidence, 'created_at', r.created_at)
        order by r.created_at)
      from jobforge_job_results r where r.job_id = p_job_id), '[]'::jsonb));
end
$$;

revoke all on function jobforge_enqueue_job(text, jsonb, jsonb, uuid),
  jobforge_enqueue_jobs(jsonb, uuid), jobforge_expire_leases(),
  jobforge_claim_jobs(text, integer, text[], integer, uuid),
  jobforge_heartbeat_job(uuid[], integer, uuid), jobforge_complete_jobs(jsonb, uuid),
  jobforge_complete_job(bigint, uuid, jsonb, uuid), jobforge_release_jobs(jsonb, uuid),
  jobforge_cancel_job(bigint, uuid), jobforge_reschedule_job(bigint, timestamptz, uuid),
  jobforge_list_jobs(text, text, integer, bigint, uuid), jobforge_get_job(bigint, uuid)
  from public;
grant execute on function jobforge_enqueue_job(text, jsonb, jsonb, uuid),
  jobforge_enqueue_jobs(jsonb, uuid), jobforge_expire_leases(),
  jobforge_claim_jobs(text, integer, text[], integer, uuid),
  jobforge_heartbeat_job(uuid[], integer, uuid), jobforge_complete_jobs(jsonb, uuid),
  jobforge_complete_job(bigint, uuid, jsonb, uuid), jobforge_release_jobs(jsonb, uuid),
  jobforge_cancel_job(bigint, uuid), jobforge_reschedule_job(bigint, timestamptz, uuid),
  jobforge_list_jobs(text, text, integer, bigint, uuid), jobforge_get_job(bigint, uuid)
  to jobforge_app, jobforge_worker;
