-- JobForge queue, migration 16 (issue 15): a policy grant stored once per batch, not once per job.
-- docs/governance.md describes it.

-- Unqualified names in function bodies and types resolve here (as `jobforge db migrate` runs it).
set local search_path = jobforge, pg_catalog;

-- Must come first so two concurrent runs are caught (see migrate.ts).
insert into jobforge.jobforge_migrations (id, name) values (16, '0016_policy_grants_batch');

-- Grants shared by a batch ----------------------------------------------------------------------
-- A batch enqueued under one token stores its grant once, in one row here that lists the batch's
-- jobs, instead of one copy per job in jobforge_job_policies (a job enqueued alone keeps its row
-- there, as before, so existing rows stay valid). One row and one index entry per batch (the span
-- of its job ids, a GiST range; a GIN index of every id cost the batch as much as the rows did) is
-- what makes a governed bulk enqueue cost about what a plain one does.
create table jobforge.jobforge_policy_grants (
  id bigint generated always as identity primary key,
  tenant_id uuid not null,
  token_id text not null check (length(token_id) between 1 and 200),
  policy_grant jsonb not null,
  expires_at timestamptz not null,
  job_ids bigint[] not null,
  -- [least, greatest] of job_ids: what the index finds; job_ids then says which jobs of the span.
  job_span int8range not null,
  created_at timestamptz not null default now()
);
create index jobforge_policy_grants_span on jobforge.jobforge_policy_grants using gist (job_span);

alter table jobforge.jobforge_policy_grants enable row level security;
create policy jobforge_tenant_read on jobforge.jobforge_policy_grants for select
  using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
revoke all on jobforge.jobforge_policy_grants from public;
grant select on jobforge.jobforge_policy_grants to jobforge_app, jobforge_worker;

-- Migration 11's jobforge_enqueue_governed with p_grants: [{token_id, grant, expires_at}], each
-- stored once, which a job names by its index (`"grant": 0`) instead of carrying a copy (without
-- p_grants, a job's inline `"policy"` works as before). The signature changes, so the old
-- function goes.
drop function jobforge.jobforge_enqueue_governed(jsonb, uuid, uuid, jsonb);
create function jobforge.jobforge_enqueue_governed(
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
begin
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
    -- One job: the single enqueue says whether it was created or found by its idempotency key.
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

-- Migration 11's check at claim, reading a batch's shared grant too. A job found again by its
-- idempotency key may be listed by a later batch: its first grant (a row of its own, else the
-- oldest batch) is the one it was enqueued under.
create or replace function jobforge.jobforge_job_policy_check(p_job_ids bigint[]) returns jsonb
language plpgsql stable security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
begin
  perform jobforge_require_trusted('read stored policy grants');
  return coalesce((
    select jsonb_agg(jsonb_build_object('job_id', p.job_id::text, 'token_id', p.token_id,
      'grant', p.policy_grant, 'expires_at', p.expires_at,
      'revoked', exists (select 1 from jobforge_policy_revocations r where r.token_id = p.token_id)))
    from (
      select distinct on (job_id) job_id, token_id, policy_grant, expires_at
      from (
        select job_id, token_id, policy_grant, expires_at, 0::bigint as rank
          from jobforge_job_policies where job_id = any(p_job_ids)
        union all
        select j.id, g.token_id, g.policy_grant, g.expires_at, g.id
          from unnest(p_job_ids) as j(id)
          join jobforge_policy_grants g on g.job_span @> j.id and j.id = any(g.job_ids)
      ) x
      order by job_id, rank
    ) p), '[]'::jsonb);
end
$$;

revoke all on function jobforge.jobforge_enqueue_governed(jsonb, uuid, uuid, jsonb, jsonb) from public;
grant execute on function jobforge.jobforge_enqueue_governed(jsonb, uuid, uuid, jsonb, jsonb)
  to jobforge_app, jobforge_worker;
