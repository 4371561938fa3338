-- JobForge, migration 12 (issue 16, the HTTP API): API keys per tenant and project, stored hashed,
-- and the audit rows of refused requests (a missing, revoked or foreign key; a bad webhook signature).

-- Must come first so two concurrent runs are caught (see migrate.ts).
insert into jobforge.jobforge_migrations (id, name) values (12, '0012_api_keys');

create table jobforge.jobforge_api_keys (
  id uuid primary key,
  tenant_id uuid not null,
  project text check (length(project) between 1 and 200),
  name text not null check (length(name) between 1 and 200),
  -- The visible part of the key (jf_<prefix>_…), to tell keys apart in lists and logs.
  prefix text not null unique check (prefix ~ '^[0-9a-f]{12}$'),
  -- sha256 of the whole key; the key itself is shown once, at creation, and never stored.
  secret_hash bytea not null unique check (octet_length(secret_hash) = 32),
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  last_used_at timestamptz
);

create table jobforge.jobforge_api_audit (
  id bigint generated always as identity primary key,
  tenant_id uuid,
  key_prefix text,
  action text not null check (length(action) between 1 and 100),
  outcome text not null check (length(outcome) between 1 and 100),
  status integer not null,
  request_id text check (length(request_id) <= 200),
  detail jsonb,
  created_at timestamptz not null default now()
);
create index jobforge_api_audit_tenant on jobforge.jobforge_api_audit (tenant_id, id);

alter table jobforge.jobforge_api_keys enable row level security;
alter table jobforge.jobforge_api_audit enable row level security;
create policy jobforge_tenant_read on jobforge.jobforge_api_keys for select
  using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
create policy jobforge_tenant_read on jobforge.jobforge_api_audit for select
  using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
revoke all on jobforge.jobforge_api_keys, jobforge.jobforge_api_audit from public;
grant usage on schema jobforge to jobforge_app, jobforge_worker;
-- secret_hash stays readable only through the functions below.
grant select (id, tenant_id, project, name, prefix, created_at, revoked_at, last_used_at)
  on jobforge.jobforge_api_keys to jobforge_app, jobforge_worker;
grant select on jobforge.jobforge_api_audit to jobforge_app, jobforge_worker;

-- Managing keys is for a trusted role (member of jobforge_worker, or of the tables' owner) or for a
-- session bound to the same tenant.
create function jobforge.jobforge_api_key_admin(p_tenant uuid) returns uuid
language plpgsql stable
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_setting text := nullif(current_setting('app.tenant_id', true), '');
  v_caller name := case when current_setting('role') = 'none' then session_user
                        else current_setting('role')::name end;
begin
  if v_setting is not null then
    if p_tenant is not null and p_tenant::text <> lower(v_setting) then
      raise exception 'this session is bound to tenant % and may not manage another tenant''s keys',
        v_setting using errcode = 'JF002';
    end if;
    return v_setting::uuid;
  end if;
  if not (pg_has_role(v_caller, 'jobforge_worker', 'MEMBER')
          or pg_has_role(v_caller, (select relowner from pg_class
                                    where oid = 'jobforge.jobforge_api_keys'::regclass), 'MEMBER')) then
    raise exception 'role % may not manage API keys', v_caller using errcode = 'JF002',
      hint = 'grant jobforge_worker to the role, or set app.tenant_id';
  end if;
  return p_tenant;
end
$$;

create function jobforge.jobforge_api_key_json(k jobforge.jobforge_api_keys) returns jsonb
language sql stable
set search_path = pg_catalog, jobforge, pg_temp
as $$
  select jsonb_build_object('id', k.id, 'tenant_id', k.tenant_id, 'project', k.project,
    'name', k.name, 'prefix', k.prefix, 'created_at', k.created_at, 'revoked_at', k.revoked_at,
    'last_used_at', k.last_used_at)
$$;

create function jobforge.jobforge_create_api_key(
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
  insert into jobforge.jobforge_api_keys (id, tenant_id, project, name, prefix, secret_hash)
  values (gen_random_uuid(), v_tenant, p_project, p_name, p_prefix, p_secret_hash)
  returning * into v_row;
  return jobforge.jobforge_api_key_json(v_row);
end
$$;

-- Keys of one tenant (or of every tenant, for a trusted role passing null), newest first.
create function jobforge.jobforge_list_api_keys(p_tenant uuid default null)
returns jsonb
language plpgsql stable security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge.jobforge_api_key_admin(p_tenant);
begin
  return coalesce((select jsonb_agg(jobforge.jobforge_api_key_json(k.*) order by k.created_at desc)
                   from jobforge.jobforge_api_keys k
                   where v_tenant is null or k.tenant_id = v_tenant), '[]'::jsonb);
end
$$;

-- Revokes by id or prefix; null when there is no such key (for this tenant).
create function jobforge.jobforge_revoke_api_key(p_key text, p_tenant uuid default null)
returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge.jobforge_api_key_admin(p_tenant);
  v_row jobforge.jobforge_api_keys;
begin
  update jobforge.jobforge_api_keys k set revoked_at = coalesce(k.revoked_at, now())
  where (k.prefix = p_key or k.id::text = lower(p_key))
    and (v_tenant is null or k.tenant_id = v_tenant)
  returning * into v_row;
  if v_row.id is null then
    return null;
  end if;
  return jobforge.jobforge_api_key_json(v_row);
end
$$;

-- The key whose hash this is (revoked ones too, so the caller can say "revoked"); null when none.
-- Any role may ask: knowing a hash's owner needs the key itself.
create function jobforge.jobforge_authenticate_api_key(p_secret_hash bytea)
returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_row jobforge.jobforge_api_keys;
begin
  select * into v_row from jobforge.jobforge_api_keys where secret_hash = p_secret_hash;
  if v_row.id is null then
    return null;
  end if;
  -- At most one write a minute per key, so authentication stays a read on a busy key.
  if v_row.revoked_at is null
     and (v_row.last_used_at is null or v_row.last_used_at < now() - interval '1 minute') then
    update jobforge.jobforge_api_keys set last_used_at = now() where id = v_row.id;
  end if;
  return jobforge.jobforge_api_key_json(v_row);
end
$$;

create function jobforge.jobforge_record_api_audit(
  p_tenant uuid, p_key_prefix text, p_action text, p_outcome text, p_status integer,
  p_request_id text, p_detail jsonb default null)
returns void
language sql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
  insert into jobforge.jobforge_api_audit
    (tenant_id, key_prefix, action, outcome, status, request_id, detail)
  values (p_tenant, left(p_key_prefix, 12), left(p_action, 100), left(p_outcome, 100), p_status,
          left(p_request_id, 200), p_detail)
$$;

revoke all on function jobforge.jobforge_api_key_admin(uuid),
  jobforge.jobforge_api_key_json(jobforge.jobforge_api_keys),
  jobforge.jobforge_create_api_key(uuid, text, text, text, bytea),
  jobforge.jobforge_list_api_keys(uuid), jobforge.jobforge_revoke_api_key(text, uuid),
  jobforge.jobforge_authenticate_api_key(bytea),
  jobforge.jobforge_record_api_audit(uuid, text, text, text, integer, text, jsonb)
  from public;
grant execute on function jobforge.jobforge_create_api_key(uuid, text, text, text, bytea),
  jobforge.jobforge_list_api_keys(uuid), jobforge.jobforge_revoke_api_key(text, uuid),
  jobforge.jobforge_authenticate_api_key(bytea),
  jobforge.jobforge_record_api_audit(uuid, text, text, text, integer, text, jsonb)
  to jobforge_app, jobforge_worker;
