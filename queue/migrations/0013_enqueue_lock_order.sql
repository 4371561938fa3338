-- JobForge, migration 13: batches insert their keyed rows in one lock order.
--
-- Two concurrent jobforge_enqueue_jobs calls that share idempotency keys in different orders used to
-- deadlock: each held the unique index entry of a key the other was waiting on, the server broke
-- the cycle after deadlock_timeout, and the client retried. Sorting the keyed rows by (type, key)
-- before the insert makes every batch wait in the same order, so the cycle cannot form. The body is
-- 0005's, with only the ORDER BY changed.

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
begin
  if jsonb_typeof(p_jobs) is distinct from 'array' then
    raise exception 'jobs must be a JSON array' using errcode = 'JF004';
  end if;
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
    -- Keyed rows first, in (type, key) order: every batch takes the unique index's locks in one
    -- order, so two batches sharing keys wait for each other instead of deadlocking. Rows without
    -- a key follow in input order, which keeps their identity values rising in input order.
    order by j->>'idempotency_key' is null, j->>'type', j->>'idempotency_key', n
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
