-- JobForge queue, migration 5: one definition of a payload's size.
-- The client measured compact JSON (JSON.stringify) and the SQL functions measured jsonb::text,
-- which prints a space after every ':' and ',' — so a payload under the limit as sent could be
-- refused with a size larger than the one the client had checked. Both now measure the payload as
-- compact JSON in UTF-8 bytes: jobforge_payload_bytes here, payloadJson in the client.
set local search_path = jobforge, pg_catalog;

insert into jobforge.jobforge_migrations (id, name) values (5, '0005_payload_size');

-- Bytes of the payload as compact JSON. jsonb::text prints one space after each ':' and ',' that
-- separates (never inside a string, where such characters stay as they are), and otherwise what
-- JSON.stringify prints (same escapes, raw UTF-8), except numbers written with an exponent, which
-- it expands. So: the printed length, less one byte per ':' or ',' left once strings are removed.
-- Linear in the payload, and computed only when the printed text is over the limit.
create function jobforge.jobforge_payload_bytes(p jsonb) returns integer
language sql immutable parallel safe
set search_path = pg_catalog, jobforge, pg_temp
as $$
  select case
    when t is null then 0
    when octet_length(t) <= jobforge.jobforge_max_payload_bytes() then octet_length(t)
    else octet_length(t) - (
      select length(bare) - length(translate(bare, ':,', ''))
      from regexp_replace(t, '"([^"\\]|\\.)*"', '', 'g') as bare)
  end
  from (select p::text as t) as printed
$$;
revoke all on function jobforge.jobforge_payload_bytes(jsonb) from public;

-- As in migration 2, measuring the payload with jobforge_payload_bytes.
create or replace function jobforge.jobforge_enqueue_job(
  p_type text, p_payload jsonb, p_options jsonb default '{}'::jsonb, p_tenant uuid default null)
returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge.jobforge_resolve_tenant(p_tenant, true);
  v_key text := p_options->>'idempotency_key';
  v_run_at timestamptz := coalesce((p_options->>'run_at')::timestamptz, now());
  v_id bigint;
begin
  if p_payload is null then
    raise exception 'the payload must be a JSON value, got SQL NULL' using errcode = 'JF004';
  end if;
  if jobforge.jobforge_payload_bytes(p_payload) > jobforge.jobforge_max_payload_bytes() then
    raise exception 'the payload is % bytes of JSON; the limit is % bytes',
      jobforge.jobforge_payload_bytes(p_payload), jobforge.jobforge_max_payload_bytes()
      using errcode = 'JF001', hint = 'store large data elsewhere and enqueue a reference to it';
  end if;
  insert into jobforge.jobforge_jobs (tenant_id, type, payload, priority, run_at, max_attempts,
    backoff_base_ms, backoff_max_ms, idempotency_key, ordering_key, trace_id)
  values (v_tenant, p_type, p_payload, coalesce((p_options->>'priority')::integer, 0), v_run_at,
    coalesce((p_options->>'max_attempts')::integer, 5),
    coalesce((p_options->>'backoff_base_ms')::integer, 1000),
    coalesce((p_options->>'backoff_max_ms')::integer, 3600000),
    v_key, p_options->>'ordering_key', p_options->>'trace_id')
  on conflict (tenant_id, type, idempotency_key) where idempotency_key is not null do nothing
  returning id into v_id;
  if v_id is null then
    select id into v_id from jobforge.jobforge_jobs
      where tenant_id = v_tenant and type = p_type and idempotency_key = v_key;
    return jsonb_build_object('id', v_id::text, 'created', false);
  end if;
  if v_run_at <= now() then
    perform pg_notify('jobforge_jobs', p_type);
  end if;
  return jsonb_build_object('id', v_id::text, 'created', true);
end
$$;

-- As in migration 2, measuring each payload with jobforge_payload_bytes.
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
