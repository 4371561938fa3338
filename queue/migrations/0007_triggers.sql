-- JobForge, migration 7: triggers. A trigger enqueues a job of its type, from its payload template,
-- on a cron schedule or when a matching event arrives; every fire, skip, miss and error is a row of
-- jobforge_trigger_history. One scheduler per database holds jobforge_scheduler_lease (a row, not an
-- advisory lock: it survives a transaction pooler and shows who leads). Each cron fire enqueues with
-- the idempotency key trigger:<id>:<slot>, so two schedulers racing cannot enqueue a slot twice.
-- Errors use SQLSTATE JFT01 (invalid trigger) and JFT02 (template references a missing field).

set local search_path = jobforge, pg_catalog;

insert into jobforge_migrations (id, name) values (7, '0007_triggers');

create table jobforge.jobforge_triggers (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null,
  name text not null check (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$'),
  state text not null default 'enabled' check (state in ('enabled', 'paused', 'disabled')),
  kind text not null check (kind in ('cron', 'event')),
  job_type text not null check (length(job_type) between 1 and 200),
  payload_template jsonb not null default '{}'::jsonb,
  -- priority, max_attempts, ordering_key… as jobforge_enqueue_job takes them.
  job_options jsonb not null default '{}'::jsonb check (jsonb_typeof(job_options) = 'object'),
  cron text check (length(cron) <= 200),
  timezone text check (length(timezone) <= 100),
  coalesce boolean not null default true,
  max_instances integer not null default 1 check (max_instances between 1 and 1000),
  misfire_grace_ms bigint not null default 60000 check (misfire_grace_ms >= 0),
  catchup_window_ms bigint not null default 86400000 check (catchup_window_ms >= 0),
  next_fire_at timestamptz,
  last_fire_at timestamptz,
  -- Jobs this trigger enqueued that may still be queued or running (max_instances counts them).
  active_job_ids bigint[] not null default '{}',
  event_type text check (event_type ~ '^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9][A-Za-z0-9_-]*)*(\.\*)?$'),
  event_filter jsonb check (jsonb_typeof(event_filter) = 'object'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, name),
  check ((kind = 'cron') = (cron is not null and timezone is not null)),
  check ((kind = 'event') = (event_type is not null))
);
create index jobforge_triggers_due on jobforge.jobforge_triggers (next_fire_at)
  where kind = 'cron' and state = 'enabled';
create index jobforge_triggers_event on jobforge.jobforge_triggers (tenant_id)
  where kind = 'event' and state = 'enabled';

create table jobforge.jobforge_trigger_history (
  id bigint generated always as identity primary key,
  trigger_id uuid not null,
  tenant_id uuid not null,
  outcome text not null check (outcome in ('fired', 'skipped', 'missed', 'error')),
  slot_at timestamptz,
  event_seq bigint,
  job_id bigint,
  detail jsonb,
  fired_by text,
  created_at timestamptz not null default now()
);
create index jobforge_trigger_history_trigger on jobforge.jobforge_trigger_history (trigger_id, id);

create table jobforge.jobforge_scheduler_lease (
  name text primary key,
  holder text not null,
  acquired_at timestamptz not null,
  renewed_at timestamptz not null,
  expires_at timestamptz not null
);

alter table jobforge.jobforge_triggers enable row level security;
alter table jobforge.jobforge_trigger_history enable row level security;
create policy jobforge_tenant_read on jobforge.jobforge_triggers for select
  using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
create policy jobforge_tenant_read on jobforge.jobforge_trigger_history for select
  using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
revoke all on jobforge.jobforge_triggers, jobforge.jobforge_trigger_history,
  jobforge.jobforge_scheduler_lease from public;
grant select on jobforge.jobforge_triggers, jobforge.jobforge_trigger_history
  to jobforge_app, jobforge_worker;
grant select on jobforge.jobforge_scheduler_lease to jobforge_worker;

create function jobforge.jobforge_trigger_json(t jobforge.jobforge_triggers) returns jsonb
language sql stable
as $$
  select jsonb_build_object('id', t.id, 'tenant_id', t.tenant_id, 'name', t.name, 'state', t.state,
    'kind', t.kind, 'job_type', t.job_type, 'payload_template', t.payload_template,
    'job_options', t.job_options, 'cron', t.cron, 'timezone', t.timezone, 'coalesce', t.coalesce,
    'max_instances', t.max_instances, 'misfire_grace_ms', t.misfire_grace_ms,
    'catchup_window_ms', t.catchup_window_ms, 'next_fire_at', t.next_fire_at,
    'last_fire_at', t.last_fire_at, 'event_type', t.event_type, 'event_filter', t.event_filter,
    'created_at', t.created_at, 'updated_at', t.updated_at)
$$;

-- Renders a payload template against a context: {"$from": "a.b"} becomes the context's value at
-- that dotted path ({"$from": "a.b", "default": v} gives v where it is missing); everything else is
-- copied, objects and arrays recursively. A missing path with no default raises JFT02.
create function jobforge.jobforge_render_template(p_template jsonb, p_context jsonb) returns jsonb
language plpgsql immutable
as $$
declare
  v_value jsonb;
begin
  if jsonb_typeof(p_template) = 'object' then
    if p_template ? '$from' then
      v_value := p_context #> string_to_array(p_template->>'$from', '.');
      if v_value is null then
        if p_template ? 'default' then
          return p_template->'default';
        end if;
        raise exception 'the payload template references "%", which this % does not have',
          p_template->>'$from', coalesce(p_context->>'$kind', 'context')
          using errcode = 'JFT02', hint = 'fix the path, or give the reference a "default"';
      end if;
      return v_value;
    end if;
    return coalesce((select jsonb_object_agg(key, jobforge_render_template(value, p_context))
      from jsonb_each(p_template)), '{}'::jsonb);
  elsif jsonb_typeof(p_template) = 'array' then
    return coalesce((select jsonb_agg(jobforge_render_template(value, p_context) order by n)
      from jsonb_array_elements(p_template) with ordinality as e(value, n)), '[]'::jsonb);
  end if;
  return p_template;
end
$$;

-- Enqueues one job for a trigger and records it, or records why not. Runs inside the caller's
-- transaction (the scheduler's fire, or the event's insert); an error is recorded, not raised.
create function jobforge.jobforge_trigger_enqueue(t jobforge.jobforge_triggers, p_context jsonb,
  p_key text, p_slot timestamptz, p_event_seq bigint, p_fired_by text)
returns jsonb
language plpgsql volatile
as $$
declare
  v_job jsonb;
  v_payload jsonb;
begin
  begin
    v_payload := jobforge_render_template(t.payload_template, p_context);
    v_job := jobforge_enqueue_job(t.job_type, v_payload,
      t.job_options || jsonb_build_object('idempotency_key', p_key)
        || case when p_context->>'trace_id' is not null
                then jsonb_build_object('trace_id', p_context->>'trace_id') else '{}'::jsonb end,
      t.tenant_id);
  exception when others then
    insert into jobforge.jobforge_trigger_history (trigger_id, tenant_id, outcome, slot_at,
      event_seq, detail, fired_by)
    values (t.id, t.tenant_id, 'error', p_slot, p_event_seq,
      jsonb_build_object('code', case sqlstate when 'JFT02' then 'TEMPLATE_FIELD_MISSING'
        when 'JF001' then 'PAYLOAD_TOO_LARGE' else 'ENQUEUE_FAILED' end,
        'sqlstate', sqlstate, 'message', sqlerrm), p_fired_by);
    return jsonb_build_object('outcome', 'error', 'message', sqlerrm);
  end;
  -- clock_timestamp, not the transaction's start: the fire lag doctor and the benchmark report.
  insert into jobforge.jobforge_trigger_history (trigger_id, tenant_id, outcome, slot_at, event_seq,
    job_id, detail, fired_by, created_at)
  values (t.id, t.tenant_id, 'fired', p_slot, p_event_seq, (v_job->>'id')::bigint,
    case when (v_job->>'created')::boolean then null else '{"duplicate": true}'::jsonb end,
    p_fired_by, clock_timestamp());
  return jsonb_build_object('outcome', 'fired', 'job_id', v_job->>'id',
    'created', (v_job->>'created')::boolean);
end
$$;

-- Creates a trigger. p_spec: {name, kind, job_type, payload_template?, job_options?, state?,
-- cron?, timezone?, next_fire_at?, coalesce?, max_instances?, misfire_grace_ms?,
-- catchup_window_ms?, event_type?, event_filter?}. The client parses cron and time zone (SQL has
-- no cron parser) and passes the first fire time. Returns the trigger.
create function jobforge.jobforge_create_trigger(p_spec jsonb, p_tenant uuid default null)
returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge_resolve_tenant(p_tenant, true);
  v_row jobforge.jobforge_triggers;
begin
  insert into jobforge.jobforge_triggers (tenant_id, name, state, kind, job_type, payload_template,
    job_options, cron, timezone, coalesce, max_instances, misfire_grace_ms, catchup_window_ms,
    next_fire_at, event_type, event_filter)
  values (v_tenant, p_spec->>'name', coalesce(p_spec->>'state', 'enabled'), p_spec->>'kind',
    p_spec->>'job_type', coalesce(p_spec->'payload_template', '{}'::jsonb),
    coalesce(p_spec->'job_options', '{}'::jsonb), p_spec->>'cron', p_spec->>'timezone',
    coalesce((p_spec->>'coalesce')::boolean, true), coalesce((p_spec->>'max_instances')::integer, 1),
    coalesce((p_spec->>'misfire_grace_ms')::bigint, 60000),
    coalesce((p_spec->>'catchup_window_ms')::bigint, 86400000),
    (p_spec->>'next_fire_at')::timestamptz, p_spec->>'event_type',
    case when jsonb_typeof(p_spec->'event_filter') = 'null' then null else p_spec->'event_filter' end)
  returning * into v_row;
  perform pg_notify('jobforge_triggers', '');
  return jobforge_trigger_json(v_row);
exception
  when unique_violation then
    raise exception 'tenant % already has a trigger named "%"', v_tenant, p_spec->>'name'
      using errcode = 'JFT01', hint = 'pick another name, or disable the old trigger';
  when check_violation or not_null_violation then
    raise exception 'the trigger is not valid: %', sqlerrm using errcode = 'JFT01';
end
$$;

-- Sets a trigger's state (enabled | paused | disabled); resuming a cron trigger takes the next
-- fire time the client computed from now, so a paused stretch is not replayed. Null: no such trigger.
create function jobforge.jobforge_set_trigger_state(p_ref text, p_state text,
  p_next_fire_at timestamptz default null, p_tenant uuid default null)
returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge_resolve_tenant(p_tenant, false);
  v_row jobforge.jobforge_triggers;
begin
  if p_state not in ('enabled', 'paused', 'disabled') then
    raise exception 'a trigger state is enabled, paused or disabled, got "%"', p_state
      using errcode = 'JFT01';
  end if;
  update jobforge.jobforge_triggers t set state = p_state, updated_at = now(),
      next_fire_at = case when t.kind = 'cron' and p_state = 'enabled' and t.state <> 'enabled'
                          then coalesce(p_next_fire_at, t.next_fire_at) else t.next_fire_at end
    where (t.id::text = p_ref or t.name = p_ref) and (v_tenant is null or t.tenant_id = v_tenant)
    returning * into v_row;
  if v_row.id is null then
    return null;
  end if;
  perform pg_notify('jobforge_triggers', '');
  return jobforge_trigger_json(v_row);
end
$$;

-- Triggers by name, or one by id or name (p_ref). Cron triggers first by next fire time.
create function jobforge.jobforge_list_triggers(p_ref text default null, p_tenant uuid default null)
returns jsonb
language plpgsql stable security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge_resolve_tenant(p_tenant, false);
begin
  return coalesce((select jsonb_agg(jobforge_trigger_json(t.*) order by t.next_fire_at nulls last, t.name)
    from jobforge.jobforge_triggers t
    where (v_tenant is null or t.tenant_id = v_tenant)
      and (p_ref is null or t.id::text = p_ref or t.name = p_ref)), '[]'::jsonb);
end
$$;

-- A trigger's history, newest first, p_limit rows before p_before_id.
create function jobforge.jobforge_trigger_history(p_ref text, p_limit integer default 50,
  p_before_id bigint default null, p_tenant uuid default null)
returns jsonb
language plpgsql stable security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge_resolve_tenant(p_tenant, false);
begin
  return coalesce((select jsonb_agg(jsonb_build_object('id', h.id::text, 'trigger_id', h.trigger_id,
      'outcome', h.outcome, 'slot_at', h.slot_at, 'event_seq', h.event_seq::text,
      'job_id', h.job_id::text, 'detail', h.detail, 'fired_by', h.fired_by,
      'created_at', h.created_at) order by h.id desc)
    from (select h.* from jobforge.jobforge_trigger_history h
          join jobforge.jobforge_triggers t on t.id = h.trigger_id
          where (t.id::text = p_ref or t.name = p_ref) and (v_tenant is null or t.tenant_id = v_tenant)
            and (p_before_id is null or h.id < p_before_id)
          order by h.id desc limit least(greatest(p_limit, 1), 1000)) h), '[]'::jsonb);
end
$$;

-- The scheduler's lease: taken when free or expired, renewed by its holder. p_now is for tests
-- with a controllable clock; null means the database's clock. Returns {leader, holder, expires_at}.
create function jobforge.jobforge_scheduler_lease(p_holder text, p_ttl_ms integer,
  p_now timestamptz default null)
returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_now timestamptz := coalesce(p_now, now());
  v_row jobforge.jobforge_scheduler_lease;
begin
  if not jobforge_is_trusted() then
    raise exception 'only a trusted worker role may run the scheduler' using errcode = 'JF002';
  end if;
  insert into jobforge.jobforge_scheduler_lease as l (name, holder, acquired_at, renewed_at, expires_at)
  values ('scheduler', p_holder, v_now, v_now, v_now + p_ttl_ms * interval '1 millisecond')
  on conflict (name) do update set holder = excluded.holder, renewed_at = excluded.renewed_at,
    expires_at = excluded.expires_at,
    acquired_at = case when l.holder = excluded.holder then l.acquired_at else excluded.acquired_at end
  where l.holder = excluded.holder or l.expires_at <= v_now
  returning * into v_row;
  if v_row.name is null then
    select * into v_row from jobforge.jobforge_scheduler_lease where name = 'scheduler';
    return jsonb_build_object('leader', false, 'holder', v_row.holder, 'expires_at', v_row.expires_at,
      'now', v_now);
  end if;
  return jsonb_build_object('leader', true, 'holder', v_row.holder, 'expires_at', v_row.expires_at,
    'now', v_now);
end
$$;

-- Cron triggers due at p_now (every tenant): what the scheduler plans slots for. Also the earliest
-- next fire time, so the scheduler sleeps until then.
create function jobforge.jobforge_due_triggers(p_now timestamptz default null,
  p_limit integer default 1000)
returns jsonb
language plpgsql stable security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_now timestamptz := coalesce(p_now, now());
begin
  if not jobforge_is_trusted() then
    raise exception 'only a trusted worker role may run the scheduler' using errcode = 'JF002';
  end if;
  return jsonb_build_object('now', v_now,
    'triggers', coalesce((select jsonb_agg(jsonb_build_object('id', t.id, 'cron', t.cron,
        'timezone', t.timezone, 'coalesce', t.coalesce, 'misfire_grace_ms', t.misfire_grace_ms,
        'catchup_window_ms', t.catchup_window_ms, 'next_fire_at', t.next_fire_at))
      from (select * from jobforge.jobforge_triggers
            where kind = 'cron' and state = 'enabled' and next_fire_at <= v_now
            order by next_fire_at limit p_limit) t), '[]'::jsonb),
    'next_wake', (select min(next_fire_at) from jobforge.jobforge_triggers
                  where kind = 'cron' and state = 'enabled'));
end
$$;

-- Fires one cron trigger's planned slots in one transaction. p_slots: [{slot, run: bool, reason?}]
-- in time order; the run ones enqueue (unless max_instances jobs are still queued or running: then
-- 'skipped'), the rest are recorded 'missed'. Does nothing when p_holder no longer holds the lease
-- or the trigger's next fire time moved (another scheduler fired it): {stale: true}.
create function jobforge.jobforge_fire_cron_trigger(p_trigger uuid, p_expected timestamptz,
  p_next timestamptz, p_slots jsonb, p_holder text, p_now timestamptz default null)
returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_now timestamptz := coalesce(p_now, now());
  t jobforge.jobforge_triggers;
  v_slot jsonb;
  v_at timestamptz;
  v_active bigint[];
  v_result jsonb;
  v_out jsonb := '[]'::jsonb;
begin
  if not jobforge_is_trusted() then
    raise exception 'only a trusted worker role may run the scheduler' using errcode = 'JF002';
  end if;
  if not exists (select 1 from jobforge.jobforge_scheduler_lease
                 where name = 'scheduler' and holder = p_holder and expires_at > v_now) then
    return jsonb_build_object('stale', true, 'reason', 'not the lease holder');
  end if;
  select * into t from jobforge.jobforge_triggers where id = p_trigger for update;
  if t.id is null or t.state <> 'enabled' or t.next_fire_at is distinct from p_expected then
    return jsonb_build_object('stale', true, 'reason', 'already fired or changed');
  end if;
  for v_slot in select value from jsonb_array_elements(p_slots) loop
    v_at := (v_slot->>'slot')::timestamptz;
    if not (v_slot->>'run')::boolean then
      insert into jobforge.jobforge_trigger_history (trigger_id, tenant_id, outcome, slot_at, detail,
        fired_by)
      values (t.id, t.tenant_id, 'missed', v_at, v_slot->'detail', p_holder);
      v_out := v_out || jsonb_build_object('slot', v_at, 'outcome', 'missed');
      continue;
    end if;
    select coalesce(array_agg(id), '{}') into v_active from jobforge_jobs
      where id = any(t.active_job_ids) and status in ('queued', 'running', 'failed');
    if cardinality(v_active) >= t.max_instances then
      insert into jobforge.jobforge_trigger_history (trigger_id, tenant_id, outcome, slot_at, detail,
        fired_by)
      values (t.id, t.tenant_id, 'skipped', v_at, jsonb_build_object('reason', 'max_instances',
        'max_instances', t.max_instances, 'active_job_ids', to_jsonb(v_active::text[])), p_holder);
      v_out := v_out || jsonb_build_object('slot', v_at, 'outcome', 'skipped');
      t.active_job_ids := v_active;
      continue;
    end if;
    v_result := jobforge_trigger_enqueue(t, jsonb_build_object('$kind', 'schedule', 'slot', v_at,
        'trigger_id', t.id, 'trigger_name', t.name, 'timezone', t.timezone, 'fired_at', v_now),
      'trigger:' || t.id || ':' || to_char(v_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      v_at, null, p_holder);
    if v_result->>'outcome' = 'fired' then
      t.active_job_ids := v_active || (v_result->>'job_id')::bigint;
    end if;
    v_out := v_out || (v_result || jsonb_build_object('slot', v_at));
  end loop;
  update jobforge.jobforge_triggers set next_fire_at = p_next, active_job_ids = t.active_job_ids,
      last_fire_at = case when jsonb_array_length(p_slots) > 0 then v_now else last_fire_at end,
      state = case when p_next is null then 'disabled' else state end
    where id = t.id;
  return jsonb_build_object('stale', false, 'slots', v_out);
end
$$;

-- Fires many triggers' plans in one transaction (one commit for a burst of triggers due together):
-- p_plans is [{trigger, expected, next, slots}], each handled as jobforge_fire_cron_trigger does.
-- Returns the answers in input order.
create function jobforge.jobforge_fire_cron_triggers(p_plans jsonb, p_holder text,
  p_now timestamptz default null)
returns jsonb
language sql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
  select coalesce(jsonb_agg(jobforge_fire_cron_trigger((p->>'trigger')::uuid,
      (p->>'expected')::timestamptz, (p->>'next')::timestamptz, p->'slots', p_holder, p_now)
    order by n), '[]'::jsonb)
  from jsonb_array_elements(p_plans) with ordinality as x(p, n)
$$;

-- The scheduler's health for `jobforge doctor`: who holds the lease and until when, the lag of the
-- latest cron fire (enqueue time minus slot time), and enabled cron triggers overdue by more than
-- p_overdue_ms (none should be while a scheduler leads).
create function jobforge.jobforge_scheduler_status(p_overdue_ms integer default 60000)
returns jsonb
language plpgsql stable security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_lease jobforge.jobforge_scheduler_lease;
  v_last jobforge.jobforge_trigger_history;
begin
  if not jobforge_is_trusted() then
    raise exception 'only a trusted worker role may read the scheduler''s status' using errcode = 'JF002';
  end if;
  select * into v_lease from jobforge.jobforge_scheduler_lease where name = 'scheduler';
  select * into v_last from jobforge.jobforge_trigger_history
    where outcome = 'fired' and slot_at is not null order by id desc limit 1;
  return jsonb_build_object('holder', v_lease.holder, 'expires_at', v_lease.expires_at,
    'leading', coalesce(v_lease.expires_at > now(), false), 'now', now(),
    'last_fire_slot', v_last.slot_at,
    'last_fire_lag_ms', round(extract(epoch from v_last.created_at - v_last.slot_at) * 1000),
    'cron_triggers', (select count(*) from jobforge.jobforge_triggers where kind = 'cron' and state = 'enabled'),
    'overdue', (select count(*) from jobforge.jobforge_triggers
                where kind = 'cron' and state = 'enabled'
                  and next_fire_at < now() - p_overdue_ms * interval '1 millisecond'));
end
$$;

-- Event triggers fire in the transaction that inserted the event: one event may fan out to many
-- triggers; each job's idempotency key names the trigger and the event's seq, and a duplicate event
-- inserts no row, so it enqueues nothing new.
create function jobforge.jobforge_fire_event_triggers() returns trigger
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  t jobforge.jobforge_triggers;
  v_event jsonb := jsonb_build_object('$kind', 'event', 'seq', new.seq::text, 'id', new.id,
    'source', new.source, 'type', new.type, 'subject', new.subject, 'time', new.time,
    'data', new.data, 'trace_id', new.trace_id, 'project_id', new.project_id);
begin
  for t in select * from jobforge.jobforge_triggers
           where tenant_id = new.tenant_id and kind = 'event' and state = 'enabled'
             and (event_type = new.type
                  or (event_type like '%.*' and starts_with(new.type, left(event_type, -1))))
             and (event_filter is null or v_event @> event_filter)
           order by name loop
    perform jobforge_trigger_enqueue(t, v_event, 'trigger:' || t.id || ':event:' || new.seq,
      null, new.seq, 'event');
  end loop;
  return null;
end
$$;
create trigger jobforge_events_fire after insert on jobforge.jobforge_events
  for each row execute function jobforge.jobforge_fire_event_triggers();

-- The helpers run only inside the definer functions.
revoke all on function jobforge.jobforge_trigger_json(jobforge.jobforge_triggers),
  jobforge.jobforge_render_template(jsonb, jsonb),
  jobforge.jobforge_trigger_enqueue(jobforge.jobforge_triggers, jsonb, text, timestamptz, bigint, text),
  jobforge.jobforge_fire_event_triggers() from public;
revoke all on function jobforge.jobforge_create_trigger(jsonb, uuid),
  jobforge.jobforge_set_trigger_state(text, text, timestamptz, uuid),
  jobforge.jobforge_list_triggers(text, uuid),
  jobforge.jobforge_trigger_history(text, integer, bigint, uuid),
  jobforge.jobforge_scheduler_lease(text, integer, timestamptz),
  jobforge.jobforge_due_triggers(timestamptz, integer),
  jobforge.jobforge_fire_cron_trigger(uuid, timestamptz, timestamptz, jsonb, text, timestamptz),
  jobforge.jobforge_fire_cron_triggers(jsonb, text, timestamptz),
  jobforge.jobforge_scheduler_status(integer)
  from public;
grant execute on function jobforge.jobforge_create_trigger(jsonb, uuid),
  jobforge.jobforge_set_trigger_state(text, text, timestamptz, uuid),
  jobforge.jobforge_list_triggers(text, uuid),
  jobforge.jobforge_trigger_history(text, integer, bigint, uuid)
  to jobforge_app, jobforge_worker;
grant execute on function jobforge.jobforge_scheduler_lease(text, integer, timestamptz),
  jobforge.jobforge_due_triggers(timestamptz, integer),
  jobforge.jobforge_fire_cron_trigger(uuid, timestamptz, timestamptz, jsonb, text, timestamptz),
  jobforge.jobforge_fire_cron_triggers(jsonb, text, timestamptz),
  jobforge.jobforge_scheduler_status(integer)
  to jobforge_worker;
