-- JobForge queue, migration 11: the governance functions (templates, policy grants and revocation,
-- the audit chain, governed enqueue). Same rules as migration 2: SECURITY DEFINER, a fixed
-- search_path, the tenant checked by jobforge_resolve_tenant; writes that carry a verified policy
-- grant or an audit entry are for trusted roles only (the host verified the token, not the caller).
-- New SQLSTATEs: JF151 template conflict, JF152 invalid project (numbered by issue, so branches do not collide).

-- Unqualified names in function bodies and types resolve here (as `jobforge db migrate` runs it).
set local search_path = jobforge, pg_catalog;

insert into jobforge.jobforge_migrations (id, name) values (11, '0011_governance_functions');

create function jobforge.jobforge_system_tenant() returns uuid
language sql immutable parallel safe
as $$ select '00000000-0000-0000-0000-000000000000'::uuid $$;

create function jobforge.jobforge_require_trusted(p_what text) returns void
language plpgsql stable
as $$
begin
  if not jobforge_is_trusted() then
    raise exception 'role % may not %', jobforge_caller(), p_what
      using errcode = 'JF002',
            hint = 'only a trusted host role (member of jobforge_worker) does this';
  end if;
end
$$;

-- The project a call acts in: the session's app.project_id, which an argument may not contradict.
create function jobforge.jobforge_resolve_project(p_project uuid) returns uuid
language plpgsql stable
as $$
declare
  v_setting text := nullif(current_setting('app.project_id', true), '');
begin
  if v_setting is null then
    return p_project;
  end if;
  if v_setting !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    raise exception 'app.project_id must be a UUID, got "%"', left(v_setting, 80)
      using errcode = 'JF152';
  end if;
  if p_project is not null and p_project <> v_setting::uuid then
    raise exception 'this session is bound to project % and may not act for another project', v_setting
      using errcode = 'JF002';
  end if;
  return v_setting::uuid;
end
$$;

-- The text a row's hash covers. Everything but the hashes, in jsonb's deterministic text form, the
-- time in UTC with microseconds. `audit verify` reads this text and hashes it itself.
create function jobforge.jobforge_audit_canon(r jobforge_audit_log) returns text
language sql stable
as $$
  select jsonb_build_object(
    'tenant_id', r.tenant_id, 'seq', r.seq, 'project_id', r.project_id, 'actor', r.actor,
    'action', r.action, 'target', r.target, 'decision', r.decision,
    'correlation_id', r.correlation_id, 'details', r.details,
    'created_at', to_char(r.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))::text
$$;

-- Appends entries to one tenant's chain. p_entries: [{actor, action, target?, decision?,
-- correlation_id?, project_id?, details?}]. Internal: callers are the functions below.
create function jobforge.jobforge_audit_append_rows(p_tenant uuid, p_entries jsonb) returns bigint
language plpgsql volatile
as $$
declare
  v_seq bigint;
  v_hash text;
  v_row jobforge_audit_log;
  e jsonb;
begin
  if jsonb_typeof(p_entries) is distinct from 'array' or jsonb_array_length(p_entries) = 0 then
    return null;
  end if;
  -- The head row serializes appends of one tenant: each links to the one before.
  insert into jobforge_audit_heads (tenant_id, seq, hash) values (p_tenant, 0, repeat('0', 64))
    on conflict (tenant_id) do nothing;
  select seq, hash into v_seq, v_hash from jobforge_audit_heads
    where tenant_id = p_tenant for update;
  for e in select value from jsonb_array_elements(p_entries) loop
    v_row := row(p_tenant, v_seq + 1, (e->>'project_id')::uuid, coalesce(e->>'actor', 'unknown'),
      e->>'action', e->>'target', e->>'decision', e->>'correlation_id',
      nullif(e->'details', 'null'::jsonb), clock_timestamp(), v_hash, repeat('0', 64));
    v_row.hash := encode(sha256(convert_to(v_hash || jobforge_audit_canon(v_row), 'UTF8')), 'hex');
    insert into jobforge_audit_log values (v_row.*);
    v_seq := v_row.seq;
    v_hash := v_row.hash;
  end loop;
  update jobforge_audit_heads set seq = v_seq, hash = v_hash where tenant_id = p_tenant;
  return v_seq;
end
$$;

-- Appends audit entries (trusted roles only). Returns the seq of the last row written.
create function jobforge.jobforge_audit_append(p_entries jsonb, p_tenant uuid default null)
returns bigint
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
begin
  perform jobforge_require_trusted('append audit entries');
  return jobforge_audit_append_rows(
    coalesce(jobforge_resolve_tenant(p_tenant, false), jobforge_system_tenant()), p_entries);
end
$$;

-- Newest first. p_filter: {actor?, action?, since?, until?, before_seq?, limit?}. A tenant's
-- session reads only its rows (and its project's, when app.project_id is set).
create function jobforge.jobforge_audit_list(p_filter jsonb default '{}'::jsonb, p_tenant uuid default null)
returns jsonb
language plpgsql stable security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge_resolve_tenant(p_tenant, false);
  v_project uuid := jobforge_resolve_project((p_filter->>'project_id')::uuid);
  v_rows jsonb;
begin
  select jsonb_agg(to_jsonb(a) order by a.created_at desc, a.seq desc) into v_rows
  from (
    select tenant_id, seq, project_id, actor, action, target, decision, correlation_id, details,
      created_at, hash
    from jobforge_audit_log
    where (v_tenant is null or tenant_id = v_tenant)
      and (v_project is null or project_id = v_project)
      and (p_filter->>'actor' is null or actor = p_filter->>'actor')
      and (p_filter->>'action' is null or action = p_filter->>'action'
           or (right(p_filter->>'action', 1) = '*'
               and starts_with(action, left(p_filter->>'action', -1))))
      and (p_filter->>'since' is null or created_at >= (p_filter->>'since')::timestamptz)
      and (p_filter->>'until' is null or created_at < (p_filter->>'until')::timestamptz)
      and (p_filter->>'before_seq' is null or seq < (p_filter->>'before_seq')::bigint)
    order by created_at desc, seq desc
    limit least(greatest(coalesce((p_filter->>'limit')::integer, 100), 1), 1000)
  ) a;
  return coalesce(v_rows, '[]'::jsonb);
end
$$;

-- The tenants that have a chain, for `audit verify` (trusted roles only).
create function jobforge.jobforge_audit_tenants() returns jsonb
language plpgsql stable security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
begin
  perform jobforge_require_trusted('verify every tenant''s audit chain');
  return coalesce((
    select jsonb_agg(t order by t) from (
      select tenant_id as t from jobforge_audit_log
      union select tenant_id from jobforge_audit_checkpoints) x), '[]'::jsonb);
end
$$;

-- One page of a tenant's chain in order, each row with its canonical text, for `audit verify`.
create function jobforge.jobforge_audit_chain(p_tenant uuid, p_after_seq bigint, p_limit integer)
returns jsonb
language plpgsql stable security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge_resolve_tenant(p_tenant, true);
begin
  return coalesce((
    select jsonb_agg(jsonb_build_array(a.seq, a.prev_hash, a.hash, jobforge_audit_canon(a))
      order by a.seq)
    from (select * from jobforge_audit_log
          where tenant_id = v_tenant and seq > p_after_seq
          order by seq limit least(greatest(p_limit, 1), 50000)) a), '[]'::jsonb);
end
$$;

-- The head a checkpoint signs: the chain's last row as the appender sees it.
create function jobforge.jobforge_audit_head(p_tenant uuid default null) returns jsonb
language plpgsql stable security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := coalesce(jobforge_resolve_tenant(p_tenant, false), jobforge_system_tenant());
begin
  return coalesce((select jsonb_build_object('tenant_id', tenant_id, 'seq', seq, 'hash', hash)
    from jobforge_audit_heads where tenant_id = v_tenant),
    jsonb_build_object('tenant_id', v_tenant, 'seq', 0, 'hash', repeat('0', 64)));
end
$$;

create function jobforge.jobforge_audit_checkpoint_add(
  p_tenant uuid, p_seq bigint, p_head_hash text, p_key_id text, p_envelope jsonb)
returns void
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
begin
  perform jobforge_require_trusted('sign audit checkpoints');
  insert into jobforge_audit_checkpoints (tenant_id, seq, head_hash, key_id, envelope)
    values (p_tenant, p_seq, p_head_hash, p_key_id, p_envelope)
    on conflict do nothing;
end
$$;

create function jobforge.jobforge_audit_checkpoints_list(p_tenant uuid) returns jsonb
language plpgsql stable security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge_resolve_tenant(p_tenant, true);
begin
  return coalesce((select jsonb_agg(jsonb_build_object('seq', seq, 'head_hash', head_hash,
      'key_id', key_id, 'envelope', envelope, 'signed_at', signed_at) order by seq, key_id)
    from jobforge_audit_checkpoints where tenant_id = v_tenant), '[]'::jsonb);
end
$$;

-- Templates: add a version (same content again is a no-op; other content under an existing
-- version is JF151), or disable every version of a type. Both are audited under the nil tenant.
create function jobforge.jobforge_template_put(p_template jsonb, p_actor text, p_audit boolean default false)
returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_type text := p_template->>'type';
  v_version integer;
  v_old jobforge_job_templates;
begin
  perform jobforge_require_trusted('manage job templates');
  perform pg_advisory_xact_lock(hashtextextended('jobforge_template:' || coalesce(v_type, ''), 0));
  v_version := coalesce((p_template->>'version')::integer,
    (select coalesce(max(version), 0) + 1 from jobforge_job_templates where type = v_type));
  select * into v_old from jobforge_job_templates where type = v_type and version = v_version;
  if found then
    if v_old.payload_schema = p_template->'payload_schema'
       and v_old.defaults = coalesce(p_template->'defaults', '{}'::jsonb)
       and v_old.effect = p_template->>'effect' and v_old.enabled then
      return jsonb_build_object('type', v_type, 'version', v_version, 'created', false);
    end if;
    raise exception 'template % version % exists with other content', v_type, v_version
      using errcode = 'JF151', hint = 'give the changed template a new version';
  end if;
  insert into jobforge_job_templates (type, version, payload_schema, defaults, effect, scopes,
    description, created_by)
  values (v_type, v_version, p_template->'payload_schema',
    coalesce(p_template->'defaults', '{}'::jsonb), p_template->>'effect',
    coalesce(array(select jsonb_array_elements_text(p_template->'scopes')), '{}'),
    coalesce(p_template->>'description', ''), p_actor);
  if p_audit then
    perform jobforge_audit_append_rows(jobforge_system_tenant(), jsonb_build_array(jsonb_build_object(
      'actor', p_actor, 'action', 'template.add', 'target', v_type || '@' || v_version,
      'details', jsonb_build_object('effect', p_template->>'effect'))));
  end if;
  return jsonb_build_object('type', v_type, 'version', v_version, 'created', true);
end
$$;

create function jobforge.jobforge_template_disable(p_type text, p_actor text, p_audit boolean default false)
returns integer
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_count integer;
begin
  perform jobforge_require_trusted('manage job templates');
  update jobforge_job_templates set enabled = false, updated_at = now()
    where type = p_type and enabled;
  get diagnostics v_count = row_count;
  if p_audit and v_count > 0 then
    perform jobforge_audit_append_rows(jobforge_system_tenant(), jsonb_build_array(jsonb_build_object(
      'actor', p_actor, 'action', 'template.disable', 'target', p_type)));
  end if;
  return v_count;
end
$$;

-- Revokes a token by id for its tenant; jobs holding its grant fail at claim with POLICY_DENIED.
create function jobforge.jobforge_policy_revoke(
  p_token_id text, p_tenant uuid, p_actor text, p_reason text default null,
  p_audit boolean default false)
returns boolean
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge_resolve_tenant(p_tenant, true);
begin
  perform jobforge_require_trusted('revoke policy tokens');
  insert into jobforge_policy_revocations (token_id, tenant_id, revoked_by, reason)
    values (p_token_id, v_tenant, p_actor, p_reason) on conflict do nothing;
  if not found then
    return false;
  end if;
  if p_audit then
    perform jobforge_audit_append_rows(v_tenant, jsonb_build_array(jsonb_build_object(
      'actor', p_actor, 'action', 'policy.revoke', 'target', 'token:' || p_token_id,
      'details', case when p_reason is null then null else jsonb_build_object('reason', p_reason) end)));
  end if;
  return true;
end
$$;

create function jobforge.jobforge_policy_revoked(p_token_ids text[]) returns jsonb
language sql stable security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
  select coalesce(jsonb_agg(token_id), '[]'::jsonb) from jobforge_policy_revocations
    where token_id = any(p_token_ids)
$$;

-- Enqueues jobs the host has governed: p_jobs is jobforge_enqueue_jobs' array, where a job may
-- also carry `policy` {token_id, grant, expires_at} (the verified grant). Sets the project, stores
-- each grant, and appends p_audit's entries (a `target` of null becomes the job's id, the n-th
-- entry's `job_index` picks the job) in the same transaction. Trusted roles only when a job carries
-- a grant or audit entries are given. Returns {ids (input order), created (one job only)}, or
-- {revoked: token id} when a job's grant was revoked (nothing enqueued).
create function jobforge.jobforge_enqueue_governed(
  p_jobs jsonb, p_tenant uuid default null, p_project uuid default null,
  p_audit jsonb default null)
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
begin
  if p_audit is not null or jsonb_path_exists(p_jobs, '$[*].policy') then
    perform jobforge_require_trusted('enqueue with a verified policy grant or audit entries');
  end if;
  select j->'policy'->>'token_id' into v_revoked
    from jsonb_array_elements(p_jobs) j
    join jobforge_policy_revocations r on r.token_id = j->'policy'->>'token_id'
    limit 1;
  if v_revoked is not null then
    return jsonb_build_object('revoked', v_revoked);
  end if;
  if v_project is not null then
    perform set_config('app.project_id', v_project::text, true);
  end if;
  if jsonb_array_length(p_jobs) = 1 then
    -- One job: the single enqueue says whether it was created or found by its idempotency key.
    v_one := jobforge_enqueue_job(p_jobs->0->>'type', p_jobs->0->'payload',
      (p_jobs->0) - 'type' - 'payload' - 'policy', v_tenant);
    v_ids := jsonb_build_array(v_one->>'id');
    v_created := (v_one->>'created')::boolean;
  else
    v_ids := jobforge_enqueue_jobs(p_jobs, v_tenant);
  end if;
  insert into jobforge_job_policies (job_id, tenant_id, token_id, policy_grant, expires_at)
    select (v_ids->>(n::integer - 1))::bigint, v_tenant, j->'policy'->>'token_id',
      j->'policy'->'grant', (j->'policy'->>'expires_at')::timestamptz
    from jsonb_array_elements(p_jobs) with ordinality as e(j, n)
    where j ? 'policy'
    on conflict (job_id) do nothing;
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

-- The stored grants of claimed jobs with their revocation, for the worker's check at claim.
create function jobforge.jobforge_job_policy_check(p_job_ids bigint[]) returns jsonb
language plpgsql stable security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
begin
  perform jobforge_require_trusted('read stored policy grants');
  return coalesce((
    select jsonb_agg(jsonb_build_object('job_id', p.job_id::text, 'token_id', p.token_id,
      'grant', p.policy_grant, 'expires_at', p.expires_at,
      'revoked', exists (select 1 from jobforge_policy_revocations r where r.token_id = p.token_id)))
    from jobforge_job_policies p where p.job_id = any(p_job_ids)), '[]'::jsonb);
end
$$;

revoke all on function jobforge.jobforge_audit_append(jsonb, uuid), jobforge.jobforge_audit_list(jsonb, uuid),
  jobforge.jobforge_audit_tenants(), jobforge.jobforge_audit_chain(uuid, bigint, integer),
  jobforge.jobforge_audit_head(uuid), jobforge.jobforge_audit_checkpoint_add(uuid, bigint, text, text, jsonb),
  jobforge.jobforge_audit_checkpoints_list(uuid), jobforge.jobforge_template_put(jsonb, text, boolean),
  jobforge.jobforge_template_disable(text, text, boolean),
  jobforge.jobforge_policy_revoke(text, uuid, text, text, boolean), jobforge.jobforge_policy_revoked(text[]),
  jobforge.jobforge_enqueue_governed(jsonb, uuid, uuid, jsonb), jobforge.jobforge_job_policy_check(bigint[])
  from public;
grant execute on function jobforge.jobforge_audit_append(jsonb, uuid), jobforge.jobforge_audit_list(jsonb, uuid),
  jobforge.jobforge_audit_tenants(), jobforge.jobforge_audit_chain(uuid, bigint, integer),
  jobforge.jobforge_audit_head(uuid), jobforge.jobforge_audit_checkpoint_add(uuid, bigint, text, text, jsonb),
  jobforge.jobforge_audit_checkpoints_list(uuid), jobforge.jobforge_template_put(jsonb, text, boolean),
  jobforge.jobforge_template_disable(text, text, boolean),
  jobforge.jobforge_policy_revoke(text, uuid, text, text, boolean), jobforge.jobforge_policy_revoked(text[]),
  jobforge.jobforge_enqueue_governed(jsonb, uuid, uuid, jsonb), jobforge.jobforge_job_policy_check(bigint[])
  to jobforge_app, jobforge_worker;

-- The helpers run only inside the definer functions above; nobody calls them directly.
revoke all on function jobforge.jobforge_system_tenant(), jobforge.jobforge_require_trusted(text),
  jobforge.jobforge_resolve_project(uuid), jobforge.jobforge_audit_canon(jobforge.jobforge_audit_log),
  jobforge.jobforge_audit_append_rows(uuid, jsonb) from public;
