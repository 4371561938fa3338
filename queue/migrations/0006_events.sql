-- JobForge, migration 6: events. An event is a CloudEvents 1.0 envelope (id, source, type, subject,
-- time, datacontenttype, data) kept per tenant, written only through jobforge_submit_event and read
-- through jobforge_query_events (or, for an application role, a plain SELECT under row-level security).
-- Errors use SQLSTATE JFE01 (invalid event) and JFE02 (data over the size limit).

set local search_path = jobforge, pg_catalog;

insert into jobforge_migrations (id, name) values (6, '0006_events');

create table jobforge.jobforge_events (
  -- Arrival order: the stable order of every listing and the cursor of keyset pagination.
  seq bigint generated always as identity primary key,
  tenant_id uuid not null,
  project_id text check (length(project_id) between 1 and 200),
  id text not null check (length(id) between 1 and 200),
  source text not null check (length(source) between 1 and 500),
  -- Collation "C" so a prefix query (`invoice.*`) is a range scan of the (tenant_id, type) index.
  type text collate "C" not null check (length(type) <= 200),
  subject text check (length(subject) between 1 and 500),
  time timestamptz not null,
  datacontenttype text not null default 'application/json' check (length(datacontenttype) <= 200),
  data jsonb,
  trace_id text check (length(trace_id) <= 200),
  received_at timestamptz not null default now(),
  -- How many times the same (tenant_id, source, id) came again and was answered with this row.
  duplicates integer not null default 0,
  unique (tenant_id, source, id)
);
create index jobforge_events_type on jobforge.jobforge_events (tenant_id, type, seq);
create index jobforge_events_tenant on jobforge.jobforge_events (tenant_id, seq);

alter table jobforge.jobforge_events enable row level security;
create policy jobforge_tenant_read on jobforge.jobforge_events for select
  using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
revoke all on jobforge.jobforge_events from public;
grant select on jobforge.jobforge_events to jobforge_app, jobforge_worker;

-- Reverse-DNS style: two or more dot-separated segments of letters, digits, '_' and '-'.
create function jobforge.jobforge_event_type_ok(p_type text) returns boolean
language sql immutable parallel safe
as $$ select p_type ~ '^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9][A-Za-z0-9_-]*)+$' and length(p_type) <= 200 $$;

create function jobforge.jobforge_event_json(e jobforge.jobforge_events) returns jsonb
language sql stable
as $$
  select jsonb_build_object(
    'specversion', '1.0', 'seq', e.seq::text, 'id', e.id, 'source', e.source, 'type', e.type,
    'subject', e.subject, 'time', e.time, 'datacontenttype', e.datacontenttype, 'data', e.data,
    'tenant_id', e.tenant_id, 'project_id', e.project_id, 'trace_id', e.trace_id,
    'received_at', e.received_at, 'duplicates', e.duplicates)
$$;

-- Submits one event: p_event is {id, source, type, subject?, time?, datacontenttype?, data?,
-- project_id?, trace_id?}. Idempotent on (tenant_id, source, id): a duplicate changes nothing but
-- its count and is answered with the first one's row. Returns {event, created}. Callable from an
-- application's own SQL and triggers, so the event exists only if that transaction commits.
create function jobforge.jobforge_submit_event(p_event jsonb, p_tenant uuid default null)
returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge_resolve_tenant(p_tenant, true);
  v_type text := p_event->>'type';
  v_row jobforge.jobforge_events;
  v_bytes integer;
begin
  if jsonb_typeof(p_event) is distinct from 'object' then
    raise exception 'an event must be a JSON object' using errcode = 'JFE01';
  end if;
  if coalesce(p_event->>'id', '') = '' or coalesce(p_event->>'source', '') = '' then
    raise exception 'an event needs a non-empty "id" and "source" (CloudEvents 1.0)'
      using errcode = 'JFE01', hint = 'the pair (source, id) identifies the event; a repeat is a duplicate';
  end if;
  if v_type is null or not jobforge_event_type_ok(v_type) then
    raise exception 'event type "%" is not reverse-DNS style', left(coalesce(v_type, ''), 80)
      using errcode = 'JFE01', hint = 'use dot-separated segments of letters, digits, _ and -, e.g. invoice.paid';
  end if;
  -- Compact JSON bytes, as the client measures (migration 5).
  v_bytes := jobforge_payload_bytes(coalesce(p_event->'data', 'null'::jsonb));
  if v_bytes > jobforge_max_payload_bytes() then
    raise exception 'the event''s data is % bytes of JSON; the limit is % bytes', v_bytes,
      jobforge_max_payload_bytes()
      using errcode = 'JFE02', hint = 'store large data elsewhere and send a reference to it';
  end if;
  insert into jobforge.jobforge_events (tenant_id, project_id, id, source, type, subject, time,
    datacontenttype, data, trace_id)
  values (v_tenant, p_event->>'project_id', p_event->>'id', p_event->>'source', v_type,
    p_event->>'subject', coalesce((p_event->>'time')::timestamptz, now()),
    coalesce(p_event->>'datacontenttype', 'application/json'), p_event->'data',
    p_event->>'trace_id')
  on conflict (tenant_id, source, id) do nothing
  returning * into v_row;
  if v_row.seq is not null then
    return jsonb_build_object('event', jobforge_event_json(v_row), 'created', true);
  end if;
  update jobforge.jobforge_events set duplicates = duplicates + 1
    where tenant_id = v_tenant and source = p_event->>'source' and id = p_event->>'id'
    returning * into v_row;
  return jsonb_build_object('event', jobforge_event_json(v_row), 'created', false);
end
$$;

-- Lists events newest first. p_query: {type? (exact, or 'prefix.*'), subject?, since?, until?
-- (on the event's time), before? (a seq: the cursor of the next page), limit? (1..1000, default 50)}.
-- Returns {events, next_before}: next_before is null on the last page.
create function jobforge.jobforge_query_events(p_query jsonb default '{}'::jsonb,
  p_tenant uuid default null)
returns jsonb
language plpgsql stable security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge_resolve_tenant(p_tenant, false);
  v_type text := p_query->>'type';
  v_prefix text;
  v_limit integer := least(greatest(coalesce((p_query->>'limit')::integer, 50), 1), 1000);
  v_events jsonb;
  v_count integer;
  v_last bigint;
begin
  if v_type like '%.*' then
    v_prefix := left(v_type, -1); -- 'invoice.*' -> 'invoice.'
    v_type := null;
    if not jobforge_event_type_ok(v_prefix || 'x') then
      raise exception 'event type pattern "%" is not a reverse-DNS prefix followed by .*',
        left(p_query->>'type', 80) using errcode = 'JFE01';
    end if;
  end if;
  select jsonb_agg(jobforge_event_json(e.*) order by e.seq desc), count(*), min(e.seq)
    into v_events, v_count, v_last
  from (
    select * from jobforge.jobforge_events
    where (v_tenant is null or tenant_id = v_tenant)
      and (v_type is null or type = v_type)
      -- '/' follows '.' in "C" order: [prefix, prefix with its last '.' bumped) is the prefix range.
      and (v_prefix is null or (type >= v_prefix and type < left(v_prefix, -1) || '/'))
      and (p_query->>'subject' is null or subject = p_query->>'subject')
      and (p_query->>'since' is null or time >= (p_query->>'since')::timestamptz)
      and (p_query->>'until' is null or time < (p_query->>'until')::timestamptz)
      and (p_query->>'before' is null or seq < (p_query->>'before')::bigint)
    order by seq desc
    limit v_limit
  ) e;
  return jsonb_build_object('events', coalesce(v_events, '[]'::jsonb),
    'next_before', case when v_count = v_limit then v_last::text end);
end
$$;

-- The helpers run only inside the definer functions.
revoke all on function jobforge.jobforge_event_type_ok(text),
  jobforge.jobforge_event_json(jobforge.jobforge_events) from public;
revoke all on function jobforge.jobforge_submit_event(jsonb, uuid),
  jobforge.jobforge_query_events(jsonb, uuid) from public;
grant execute on function jobforge.jobforge_submit_event(jsonb, uuid),
  jobforge.jobforge_query_events(jsonb, uuid) to jobforge_app, jobforge_worker;
