-- JobForge, migration 13: concurrent batches sharing idempotency keys wait instead of deadlocking.
--
-- Two concurrent jobforge_enqueue_jobs calls that share idempotency keys in different orders used to
-- deadlock: each held the unique index entry of a key the other was waiting on, the server broke
-- the cycle after deadlock_timeout, and the client retried. Now a batch first takes a
-- transaction-scoped advisory lock per (tenant, type, key), in one global order, so the cycle
-- cannot form. The insert itself keeps input order: sorting the rows instead would give a batch's
-- jobs ids out of input order and break ordering keys. The body is 0005's plus the lock loop.

-- Must come first so two concurrent runs are caught (see migrate.ts).
insert into jobforge.jobforge_migrations (id, name) values (13, '0013_enqueue_lock_order');

create or replace function jobforge.jobforge_enqueue_jobs(p_jobs jsonb, p_tenant uuid default null)
returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge.jobforge_resolve_tenant(p_tenant, true);
  v_plain bigint[];
  v_inserted integer;
  v_keyed boolean;
  v_lock bigint;
begin
  if jsonb_typeof(p_jobs) is distinct from 'array' then
    raise exception 'jobs must be a JSON array' using errcode = 'JF004';
  end if;
  -- Every idempotency key of the batch is locked first, in one global order (the lock key's), for
  -- the rest of the transaction. Two batches sharing keys then wait for each other at the first
  -- shared key instead of each holding a unique-index entry the other needs (a deadlock). The rows
  -- still go in in input order, so ids keep rising in input order (ordering keys depend on it).
  for v_lock in
    select distinct hashtextextended(format('jobforge_idempotency %s/%s/%s', v_tenant,
             j->>'type', j->>'idempotency_key'), 0)
      from jsonb_array_elements(p_jobs) as e(j)
     where jsonb_typeof(j) = 'object' and j->>'idempotency_key' is not null
     order by 1
  loop
    perform pg_advisory_xact_lock(v_lock);
  end loop;
  -- One pass: the size check rides along in the insert (a missing type or payload breaks a
  -- NOT NULL or CHECK constraint of the table).
  with ins as (
    insert into jobforge.jobforge_jobs (tenant_id, type, payload, priority, run_at, max_attempts,
      backoff_base_ms, backoff_max_ms, idempotency_key, ordering_key, trace_id)
    select v_tenant, j->>'type',
      case when jobforge.jobforge_payload_bytes(j->'payload') > jobforge.jobforge_max_payload_bytes()
           then jobforge.jobforge_payload_too_large(n, jobforge.jobforge_payload_bytes(j->'payload'))
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
    left join jobforge.jobforge_jobs k on i.key is not null and k.tenant_id = v_tenant
      and k.type = i.type and k.idempotency_key = i.key
  );
end
$$;
