-- JobForge queue, migration 17 (issue 15): project scope on the events, triggers and run-record
-- tables, one type for a project (uuid), the project carried from an event to the jobs its triggers
-- enqueue, a project filter on the core get/list functions, and audit rows for event ingestion and
-- trigger changes. docs/governance.md describes each.

-- Unqualified names in function bodies and types resolve here (as `jobforge db migrate` runs it).
set local search_path = jobforge, pg_catalog;

-- Must come first so two concurrent runs are caught (see migrate.ts).
insert into jobforge.jobforge_migrations (id, name) values (17, '0017_project_scope_audit');

-- One type for a project ---------------------------------------------------------------------------
-- Events and API keys held a project as text, jobs as uuid. Existing text that is a UUID keeps its
-- value; any other name maps to the same UUID wherever it appears (md5 of a fixed prefix and the
-- name), so rows that shared a project still share one. New input must be a UUID.
create function jobforge.jobforge_project_uuid(p_name text) returns uuid
language sql immutable parallel safe
as $$
  select case
    when p_name is null then null
    when p_name ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then p_name::uuid
    else md5('jobforge.project:' || p_name)::uuid end
$$;

alter table jobforge.jobforge_events drop constraint if exists jobforge_events_project_id_check;
alter table jobforge.jobforge_events
  alter column project_id type uuid using jobforge.jobforge_project_uuid(project_id);
alter table jobforge.jobforge_api_keys drop constraint if exists jobforge_api_keys_project_check;
alter table jobforge.jobforge_api_keys
  alter column project type uuid using jobforge.jobforge_project_uuid(project);

-- Project columns -------------------------------------------------------------------------------------
-- Triggers take the session's project as jobs do; their history and run records copy it from the
-- trigger or the job (BEFORE INSERT), so whatever function writes those rows, they carry it.
alter table jobforge.jobforge_triggers
  add column project_id uuid default nullif(current_setting('app.project_id', true), '')::uuid;
alter table jobforge.jobforge_trigger_history add column project_id uuid;
alter table jobforge.jobforge_run_events add column project_id uuid;
alter table jobforge.jobforge_artifact_manifests add column project_id uuid;

create index jobforge_events_project on jobforge.jobforge_events (tenant_id, project_id, seq)
  where project_id is not null;
create index jobforge_triggers_project on jobforge.jobforge_triggers (tenant_id, project_id)
  where project_id is not null;
create index jobforge_trigger_history_project on jobforge.jobforge_trigger_history (tenant_id, project_id)
  where project_id is not null;
create index jobforge_run_events_project on jobforge.jobforge_run_events (tenant_id, project_id)
  where project_id is not null;
create index jobforge_artifact_manifests_project on jobforge.jobforge_artifact_manifests (tenant_id, project_id)
  where project_id is not null;

create function jobforge.jobforge_copy_trigger_project() returns trigger
language plpgsql as $$
begin
  select t.project_id into new.project_id from jobforge.jobforge_triggers t where t.id = new.trigger_id;
  return new;
end
$$;
create trigger jobforge_trigger_history_project before insert on jobforge.jobforge_trigger_history
  for each row when (new.project_id is null) execute function jobforge.jobforge_copy_trigger_project();
-- Migration 10's copy from the job row, as attempts and results do.
create trigger jobforge_run_events_project before insert on jobforge.jobforge_run_events
  for each row when (new.project_id is null) execute function jobforge.jobforge_copy_job_project();
create trigger jobforge_artifact_manifests_project before insert on jobforge.jobforge_artifact_manifests
  for each row when (new.project_id is null) execute function jobforge.jobforge_copy_job_project();

-- Existing run records and history take their job's or trigger's project.
update jobforge.jobforge_run_events r set project_id = j.project_id
  from jobforge.jobforge_jobs j where j.id = r.job_id and j.project_id is not null;
update jobforge.jobforge_artifact_manifests m set project_id = j.project_id
  from jobforge.jobforge_jobs j where j.id = m.job_id and j.project_id is not null;

-- The same RESTRICTIVE policy as migration 10's: a session that sets app.project_id sees only that
-- project's rows; one that does not sees its whole tenant.
do $$
declare
  t text;
begin
  foreach t in array array['jobforge_events', 'jobforge_triggers', 'jobforge_trigger_history',
                           'jobforge_run_events', 'jobforge_artifact_manifests'] loop
    execute format($p$create policy jobforge_project_read on jobforge.%I as restrictive for select
      using (nullif(current_setting('app.project_id', true), '') is null
             or project_id = nullif(current_setting('app.project_id', true), '')::uuid)$p$, t);
  end loop;
end
$$;

-- Functions that carry or filter by project -------------------------------------------------------
-- Each is its latest body (migrations 6, 7 and 12) with the project added.

create or replace function jobforge.jobforge_submit_event(p_event jsonb, p_tenant uuid default null)
returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge_resolve_tenant(p_tenant, true);
  v_type text := p_event->>'type';
  v_row jobforge.jobforge_events;
  v_bytes integer;
  v_project uuid;
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
  if p_event->>'project_id' is not null and p_event->>'project_id'
       !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    raise exception 'an event''s project_id must be a UUID, got "%"', left(p_event->>'project_id', 80)
      using errcode = 'JFE01';
  end if;
  -- The session's project when it is bound to one (an event may not name another).
  v_project := jobforge_resolve_project((p_event->>'project_id')::uuid);
  -- Compact JSON bytes, as the client measures (migration 5).
  v_bytes := jobforge_payload_bytes(coalesce(p_event->'data', 'null'::jsonb));
  if v_bytes > jobforge_max_payload_bytes() then
    raise exception 'the event''s data is % bytes of JSON; the limit is % bytes', v_bytes,
      jobforge_max_payload_bytes()
      using errcode = 'JFE02', hint = 'store large data elsewhere and send a reference to it';
  end if;
  insert into jobforge.jobforge_events (tenant_id, project_id, id, source, type, subject, time,
    datacontenttype, data, trace_id)
  values (v_tenant, v_project, p_event->>'id', p_event->>'source', v_type,
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

create or replace function jobforge.jobforge_query_events(p_query jsonb default '{}'::jsonb,
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
  v_project uuid := jobforge_resolve_project((p_query->>'project_id')::uuid);
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
      and (v_project is null or project_id = v_project)
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

create or replace function jobforge.jobforge_fire_event_triggers() returns trigger
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
             -- A trigger of a project hears only that project's events.
             and (project_id is null or project_id = new.project_id)
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

create or replace function jobforge.jobforge_trigger_enqueue(t jobforge.jobforge_triggers, p_context jsonb,
  p_key text, p_slot timestamptz, p_event_seq bigint, p_fired_by text)
returns jsonb
language plpgsql volatile
as $$
declare
  v_job jsonb;
  v_payload jsonb;
  v_setting text := current_setting('app.project_id', true);
  v_project uuid := coalesce((p_context->>'project_id')::uuid, t.project_id);
begin
  begin
    v_payload := jobforge_render_template(t.payload_template, p_context);
    -- The job takes the event's project (else the trigger's) through the column default, and the
    -- session's setting comes back right after.
    if v_project is not null then
      perform set_config('app.project_id', v_project::text, true);
    end if;
    v_job := jobforge_enqueue_job(t.job_type, v_payload,
      t.job_options || jsonb_build_object('idempotency_key', p_key)
        || case when p_context->>'trace_id' is not null
                then jsonb_build_object('trace_id', p_context->>'trace_id') else '{}'::jsonb end,
      t.tenant_id);
    if v_project is not null then
      perform set_config('app.project_id', coalesce(v_setting, ''), true);
    end if;
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

create or replace function jobforge.jobforge_create_api_key(
  p_tenant uuid, p_project text, p_name text, p_prefix text, p_secret_hash bytea)
returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge.jobforge_api_key_admin(p_tenant);
  v_row jobforge.jobforge_api_keys;
begin
  if v_tenant is null then
    raise exception 'a tenant id is required' using errcode = 'JF004';
  end if;
  if p_project !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    raise exception 'a key''s project must be a UUID, got "%"', left(p_project, 80)
      using errcode = 'JF004', hint = 'projects are UUIDs, as on jobs';
  end if;
  insert into jobforge.jobforge_api_keys (id, tenant_id, project, name, prefix, secret_hash)
  values (gen_random_uuid(), v_tenant, p_project::uuid, p_name, p_prefix, p_secret_hash)
  returning * into v_row;
  return jobforge.jobforge_api_key_json(v_row);
end
$$;

-- A project filter on the core get/list functions. SECURITY DEFINER bypasses the RESTRICTIVE
-- project policy, so they apply it themselves: the session's app.project_id when it is set (an
-- argument may not contradict it), else p_project (null: the whole tenant, as before). The
-- signatures change, so the old functions go; calls without p_project work as before.
drop function jobforge.jobforge_list_jobs(text, text, integer, bigint, uuid);
drop function jobforge.jobforge_get_job(bigint, uuid);
create function jobforge.jobforge_list_jobs(
  p_status text default null, p_type text default null, p_limit integer default 50,
  p_before_id bigint default null, p_tenant uuid default null, p_project uuid default null)
returns jsonb
language plpgsql stable security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge_resolve_tenant(p_tenant, false);
  v_project uuid := jobforge_resolve_project(p_project);
  v_jobs jsonb;
begin
  select jsonb_agg(jobforge_job_json(j.*) order by j.id desc) into v_jobs
  from (
    select * from jobforge_jobs
    where (v_tenant is null or tenant_id = v_tenant)
      and (v_project is null or project_id = v_project)
      and (p_status is null or status = p_status)
      and (p_type is null or type = p_type)
      and (p_before_id is null or id < p_before_id)
    order by id desc
    limit least(greatest(p_limit, 1), 1000)
  ) j;
  return coalesce(v_jobs, '[]'::jsonb);
end
$$;

create function jobforge.jobforge_get_job(p_job_id bigint, p_tenant uuid default null,
  p_project uuid default null)
returns jsonb
language plpgsql stable security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge_resolve_tenant(p_tenant, false);
  v_project uuid := jobforge_resolve_project(p_project);
  v_job jobforge_jobs;
begin
  select * into v_job from jobforge_jobs
    where id = p_job_id and (v_tenant is null or tenant_id = v_tenant)
      and (v_project is null or project_id = v_project);
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

-- Migration 8's tenant check of every run-record function, with the project: a job of another
-- project than the session's (or p_project) is "not found".
drop function jobforge.jobforge_run_tenant(bigint, uuid);
create function jobforge.jobforge_run_tenant(p_job_id bigint, p_tenant uuid,
  p_project uuid default null) returns uuid
language sql stable
as $$
  select tenant_id from jobforge.jobforge_jobs
    where id = p_job_id and (p_tenant is null or tenant_id = p_tenant)
      and (jobforge.jobforge_resolve_project(p_project) is null
           or project_id = jobforge.jobforge_resolve_project(p_project))
$$;

-- Auditing event ingestion and trigger changes -----------------------------------------------------
-- When the host's audit feature is on (JOBFORGE_AUDIT_ENABLED=1: its connections carry the setting
-- jobforge.audit = on), an event stored (not a duplicate) and a trigger created, changed, paused,
-- resumed, disabled or deleted append a row to the tenant's chain in the same transaction. Row
-- triggers, so whatever function (or an application's own SQL) writes the row, it is audited.
-- The actor is jobforge.actor when the host sets it, else the database role.
create function jobforge.jobforge_audit_on() returns boolean
language sql stable
as $$ select coalesce(current_setting('jobforge.audit', true), '') = 'on' $$;

create function jobforge.jobforge_audit_actor() returns text
language sql stable
as $$ select coalesce(nullif(current_setting('jobforge.actor', true), ''), jobforge.jobforge_caller()::text) $$;

create function jobforge.jobforge_audit_event() returns trigger
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
begin
  perform jobforge_audit_append_rows(new.tenant_id, jsonb_build_array(jsonb_build_object(
    'actor', jobforge_audit_actor(), 'action', 'event.ingested', 'target', 'event:' || new.seq,
    'project_id', new.project_id, 'correlation_id', new.trace_id,
    'details', jsonb_build_object('type', new.type, 'source', new.source, 'id', new.id))));
  return null;
end
$$;
create trigger jobforge_events_audit after insert on jobforge.jobforge_events
  for each row when (jobforge.jobforge_audit_on()) execute function jobforge.jobforge_audit_event();

create function jobforge.jobforge_audit_trigger_change() returns trigger
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  r jobforge_triggers := case when tg_op = 'DELETE' then old else new end;
  v_action text := case
    when tg_op = 'INSERT' then 'trigger.create'
    when tg_op = 'DELETE' then 'trigger.delete'
    when old.state is distinct from new.state then case new.state
      when 'paused' then 'trigger.pause' when 'disabled' then 'trigger.disable' else 'trigger.resume' end
    else 'trigger.update' end;
begin
  perform jobforge_audit_append_rows(r.tenant_id, jsonb_build_array(jsonb_build_object(
    'actor', jobforge_audit_actor(), 'action', v_action, 'target', 'trigger:' || r.name,
    'project_id', r.project_id,
    'details', jsonb_build_object('id', r.id, 'kind', r.kind, 'job_type', r.job_type,
      'state', r.state))));
  return null;
end
$$;
create trigger jobforge_triggers_audit_insert after insert or delete on jobforge.jobforge_triggers
  for each row when (jobforge.jobforge_audit_on()) execute function jobforge.jobforge_audit_trigger_change();
-- Firing moves next_fire_at, last_fire_at and active_job_ids: those are not changes to audit.
create trigger jobforge_triggers_audit_update after update on jobforge.jobforge_triggers
  for each row when (jobforge.jobforge_audit_on() and (
    old.state, old.job_type, old.payload_template, old.job_options, old.cron, old.timezone,
    old.coalesce, old.max_instances, old.misfire_grace_ms, old.catchup_window_ms, old.event_type,
    old.event_filter, old.project_id)
    is distinct from (
    new.state, new.job_type, new.payload_template, new.job_options, new.cron, new.timezone,
    new.coalesce, new.max_instances, new.misfire_grace_ms, new.catchup_window_ms, new.event_type,
    new.event_filter, new.project_id))
  execute function jobforge.jobforge_audit_trigger_change();

-- Grants -------------------------------------------------------------------------------------------
revoke all on function jobforge.jobforge_project_uuid(text), jobforge.jobforge_copy_trigger_project(),
  jobforge.jobforge_audit_on(), jobforge.jobforge_audit_actor(), jobforge.jobforge_audit_event(),
  jobforge.jobforge_audit_trigger_change(), jobforge.jobforge_run_tenant(bigint, uuid, uuid) from public;
revoke all on function jobforge.jobforge_list_jobs(text, text, integer, bigint, uuid, uuid),
  jobforge.jobforge_get_job(bigint, uuid, uuid) from public;
grant execute on function jobforge.jobforge_list_jobs(text, text, integer, bigint, uuid, uuid),
  jobforge.jobforge_get_job(bigint, uuid, uuid) to jobforge_app, jobforge_worker;
