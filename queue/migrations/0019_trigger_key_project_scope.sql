-- JobForge queue, migration 19 (issue 15 follow-up): project scope in the trigger and API key
-- functions that migration 17 left tenant-wide. They are SECURITY DEFINER, so the RESTRICTIVE
-- app.project_id policy does not reach them; each applies it itself as migration 17's get/list do:
-- the session's app.project_id when it is set (an argument may not contradict it), else p_project
-- (null: the whole tenant, as before). Also a cheaper path through jobforge_enqueue_governed for
-- one job (end of file). docs/governance.md describes both.

-- Unqualified names in function bodies and types resolve here (as `jobforge db migrate` runs it).
set local search_path = jobforge, pg_catalog;

-- Must come first so two concurrent runs are caught (see migrate.ts).
insert into jobforge.jobforge_migrations (id, name) values (19, '0019_trigger_key_project_scope');

-- Migration 7's body; the project comes from the spec's project_id when given (it must be the
-- session's when the session is bound to one), else the session's, else none (tenant-wide).
create or replace function jobforge.jobforge_create_trigger(p_spec jsonb, p_tenant uuid default null)
returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge_resolve_tenant(p_tenant, true);
  v_project uuid;
  v_row jobforge.jobforge_triggers;
begin
  if p_spec->>'project_id' is not null and p_spec->>'project_id'
       !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    raise exception 'a trigger''s project_id must be a UUID, got "%"', left(p_spec->>'project_id', 80)
      using errcode = 'JFT01', hint = 'projects are UUIDs, as on jobs';
  end if;
  v_project := jobforge_resolve_project((p_spec->>'project_id')::uuid);
  insert into jobforge.jobforge_triggers (tenant_id, project_id, name, state, kind, job_type,
    payload_template, job_options, cron, timezone, coalesce, max_instances, misfire_grace_ms,
    catchup_window_ms, next_fire_at, event_type, event_filter)
  values (v_tenant, v_project, p_spec->>'name', coalesce(p_spec->>'state', 'enabled'), p_spec->>'kind',
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

-- The signatures change (p_project last), so the old functions go; calls without it work as before.
drop function jobforge.jobforge_set_trigger_state(text, text, timestamptz, uuid);
drop function jobforge.jobforge_list_triggers(text, uuid);
drop function jobforge.jobforge_trigger_history(text, integer, bigint, uuid);
drop function jobforge.jobforge_list_api_keys(uuid);

-- Migration 7's body with the project: another project's trigger is "no such trigger" (null).
create function jobforge.jobforge_set_trigger_state(p_ref text, p_state text,
  p_next_fire_at timestamptz default null, p_tenant uuid default null, p_project uuid default null)
returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge_resolve_tenant(p_tenant, false);
  v_project uuid := jobforge_resolve_project(p_project);
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
      and (v_project is null or t.project_id = v_project)
    returning * into v_row;
  if v_row.id is null then
    return null;
  end if;
  perform pg_notify('jobforge_triggers', '');
  return jobforge_trigger_json(v_row);
end
$$;

-- Migration 7's body with the project.
create function jobforge.jobforge_list_triggers(p_ref text default null, p_tenant uuid default null,
  p_project uuid default null)
returns jsonb
language plpgsql stable security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge_resolve_tenant(p_tenant, false);
  v_project uuid := jobforge_resolve_project(p_project);
begin
  return coalesce((select jsonb_agg(jobforge_trigger_json(t.*) order by t.next_fire_at nulls last, t.name)
    from jobforge.jobforge_triggers t
    where (v_tenant is null or t.tenant_id = v_tenant)
      and (v_project is null or t.project_id = v_project)
      and (p_ref is null or t.id::text = p_ref or t.name = p_ref)), '[]'::jsonb);
end
$$;

-- Migration 7's body with the project (the trigger's, which its history rows copy).
create function jobforge.jobforge_trigger_history(p_ref text, p_limit integer default 50,
  p_before_id bigint default null, p_tenant uuid default null, p_project uuid default null)
returns jsonb
language plpgsql stable security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge_resolve_tenant(p_tenant, false);
  v_project uuid := jobforge_resolve_project(p_project);
begin
  return coalesce((select jsonb_agg(jsonb_build_object('id', h.id::text, 'trigger_id', h.trigger_id,
      'outcome', h.outcome, 'slot_at', h.slot_at, 'event_seq', h.event_seq::text,
      'job_id', h.job_id::text, 'detail', h.detail, 'fired_by', h.fired_by,
      'created_at', h.created_at) order by h.id desc)
    from (select h.* from jobforge.jobforge_trigger_history h
          join jobforge.jobforge_triggers t on t.id = h.trigger_id
          where (t.id::text = p_ref or t.name = p_ref) and (v_tenant is null or t.tenant_id = v_tenant)
            and (v_project is null or t.project_id = v_project)
            and (p_before_id is null or h.id < p_before_id)
          order by h.id desc limit least(greatest(p_limit, 1), 1000)) h), '[]'::jsonb);
end
$$;

-- Migration 12's body with the project (the key's `project` column).
create function jobforge.jobforge_list_api_keys(p_tenant uuid default null, p_project uuid default null)
returns jsonb
language plpgsql stable security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge.jobforge_api_key_admin(p_tenant);
  v_project uuid := jobforge.jobforge_resolve_project(p_project);
begin
  return coalesce((select jsonb_agg(jobforge.jobforge_api_key_json(k.*) order by k.created_at desc)
                   from jobforge.jobforge_api_keys k
                   where (v_tenant is null or k.tenant_id = v_tenant)
                     and (v_project is null or k.project = v_project)), '[]'::jsonb);
end
$$;

-- Grants, as migrations 7 and 12 gave them.
revoke all on function jobforge.jobforge_set_trigger_state(text, text, timestamptz, uuid, uuid),
  jobforge.jobforge_list_triggers(text, uuid, uuid),
  jobforge.jobforge_trigger_history(text, integer, bigint, uuid, uuid),
  jobforge.jobforge_list_api_keys(uuid, uuid) from public;
grant execute on function jobforge.jobforge_set_trigger_state(text, text, timestamptz, uuid, uuid),
  jobforge.jobforge_list_triggers(text, uuid, uuid),
  jobforge.jobforge_trigger_history(text, integer, bigint, uuid, uuid),
  jobforge.jobforge_list_api_keys(uuid, uuid)
  to jobforge_app, jobforge_worker;

-- One governed job, cheaper -------------------------------------------------------------------------
-- Migration 16's jobforge_enqueue_governed, with a path of its own for the commonest call: one job
-- and no shared grants. The same checks and rows (trusted role when it carries a grant or audit
-- entries, the revocation look-up, the job, its grant row, the audit entries), read straight from
-- p_jobs->0 instead of through a JSONPath scan and two set-returning scans of the batch.
create or replace function jobforge.jobforge_enqueue_governed(
  p_jobs jsonb, p_tenant uuid default null, p_project uuid default null,
  p_audit jsonb default null, p_grants jsonb default null)
returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge_resolve_tenant(p_tenant, true);
  v_project uuid := jobforge_resolve_project(p_project);
  v_ids jsonb;
  v_one jsonb;
  v_created boolean;
  v_revoked text;
  v_policy jsonb;
begin
  if p_grants is null and jsonb_typeof(p_jobs) = 'array' and jsonb_array_length(p_jobs) = 1 then
    v_policy := p_jobs->0->'policy';
    if p_audit is not null or v_policy is not null then
      perform jobforge_require_trusted('enqueue with a verified policy grant or audit entries');
    end if;
    if v_policy is not null then
      select r.token_id into v_revoked from jobforge_policy_revocations r
        where r.token_id = v_policy->>'token_id';
      if v_revoked is not null then
        return jsonb_build_object('revoked', v_revoked);
      end if;
    end if;
    if v_project is not null then
      perform set_config('app.project_id', v_project::text, true);
    end if;
    -- The single enqueue says whether it was created or found by its idempotency key.
    v_one := jobforge_enqueue_job(p_jobs->0->>'type', p_jobs->0->'payload',
      (p_jobs->0) - 'type' - 'payload' - 'policy' - 'grant', v_tenant);
    v_ids := jsonb_build_array(v_one->>'id');
    v_created := (v_one->>'created')::boolean;
    -- A job just created has no grant row yet: a plain insert, no speculative one. A job found
    -- again by its idempotency key keeps the grant it was first enqueued under.
    if v_policy is not null and v_created then
      insert into jobforge_job_policies (job_id, tenant_id, token_id, policy_grant, expires_at)
        values ((v_one->>'id')::bigint, v_tenant, v_policy->>'token_id', v_policy->'grant',
          (v_policy->>'expires_at')::timestamptz);
    elsif v_policy is not null then
      insert into jobforge_job_policies (job_id, tenant_id, token_id, policy_grant, expires_at)
        values ((v_one->>'id')::bigint, v_tenant, v_policy->>'token_id', v_policy->'grant',
          (v_policy->>'expires_at')::timestamptz)
        on conflict (job_id) do nothing;
    end if;
  else
    -- With p_grants, jobs name their grant by index and an inline `policy` is ignored: the batch
    -- is scanned for grants once, not once per job.
    if p_audit is not null or p_grants is not null or jsonb_path_exists(p_jobs, '$[*].policy') then
      perform jobforge_require_trusted('enqueue with a verified policy grant or audit entries');
    end if;
    if p_grants is not null then
      if jsonb_typeof(p_grants) <> 'array' then
        raise exception 'grants must be a JSON array' using errcode = 'JF004';
      end if;
      select r.token_id into v_revoked
        from jsonb_array_elements(p_grants) g
        join jobforge_policy_revocations r on r.token_id = g->>'token_id'
        limit 1;
    else
      select r.token_id into v_revoked
        from jsonb_array_elements(p_jobs) j
        join jobforge_policy_revocations r on r.token_id = j->'policy'->>'token_id'
        limit 1;
    end if;
    if v_revoked is not null then
      return jsonb_build_object('revoked', v_revoked);
    end if;
    if v_project is not null then
      perform set_config('app.project_id', v_project::text, true);
    end if;
    if jsonb_array_length(p_jobs) = 1 then
      v_one := jobforge_enqueue_job(p_jobs->0->>'type', p_jobs->0->'payload',
        (p_jobs->0) - 'type' - 'payload' - 'policy' - 'grant', v_tenant);
      v_ids := jsonb_build_array(v_one->>'id');
      v_created := (v_one->>'created')::boolean;
    else
      v_ids := jobforge_enqueue_jobs(p_jobs, v_tenant);
    end if;
    if p_grants is not null then
      insert into jobforge_policy_grants (tenant_id, token_id, policy_grant, expires_at, job_ids,
        job_span)
      select v_tenant, g->>'token_id', g->'grant', (g->>'expires_at')::timestamptz, b.ids,
        int8range(b.lo, b.hi, '[]')
      from jsonb_array_elements(p_grants) with ordinality as x(g, i)
      cross join lateral (
        select array_agg(id) as ids, min(id) as lo, max(id) as hi
        from (select (v_ids->>(n::integer - 1))::bigint as id
              from jsonb_array_elements(p_jobs) with ordinality as e(j, n)
              where (j->>'grant')::integer = x.i - 1) k) b
      where b.ids is not null;
    else
      insert into jobforge_job_policies (job_id, tenant_id, token_id, policy_grant, expires_at)
        select (v_ids->>(n::integer - 1))::bigint, v_tenant, j->'policy'->>'token_id',
          j->'policy'->'grant', (j->'policy'->>'expires_at')::timestamptz
        from jsonb_array_elements(p_jobs) with ordinality as e(j, n)
        where j ? 'policy'
        on conflict (job_id) do nothing;
    end if;
  end if;
  if p_audit is not null then
    perform jobforge_audit_append_rows(v_tenant, (
      select jsonb_agg(a || jsonb_build_object(
          'project_id', coalesce(a->>'project_id', v_project::text),
          'target', coalesce(a->>'target', 'job:' || (v_ids->>((a->>'job_index')::integer)))) - 'job_index'
        order by n)
      from jsonb_array_elements(p_audit) with ordinality as x(a, n)));
  end if;
  return jsonb_build_object('ids', v_ids, 'created', v_created);
end
$$;
