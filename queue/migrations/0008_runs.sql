-- JobForge queue, migration 8: run records (docs/runs.md). Per attempt of a job: its events, as
-- they happen, and its artifact manifest; small artifacts' bytes, content-addressed per tenant.
-- Generic: the queue stores what a worker reports and knows nothing of connectors.

insert into jobforge.jobforge_migrations (id, name) values (8, '0008_runs');

-- One row per event; seq counts from 1 per attempt, so a reader resumes after the last it saw.
create table jobforge.jobforge_run_events (
  job_id bigint not null,
  tenant_id uuid not null,
  attempt integer not null check (attempt >= 1),
  seq integer not null check (seq >= 1),
  event jsonb not null,
  created_at timestamptz not null default now(),
  primary key (job_id, attempt, seq)
);

-- One row per recorded attempt: the manifest (each artifact's name, media type, size, sha256 and
-- where it is stored) and the sha256 the evidence signs. Written once.
create table jobforge.jobforge_artifact_manifests (
  job_id bigint not null,
  tenant_id uuid not null,
  attempt integer not null check (attempt >= 1),
  manifest jsonb not null,
  manifest_sha256 text not null check (manifest_sha256 ~ '^[0-9a-f]{64}$'),
  created_at timestamptz not null default now(),
  primary key (job_id, attempt)
);

-- Small artifacts' bytes, addressed by their sha256 within a tenant (never shared across tenants).
create table jobforge.jobforge_run_blobs (
  tenant_id uuid not null,
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  bytes bytea not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, sha256)
);

alter table jobforge.jobforge_run_events enable row level security;
alter table jobforge.jobforge_artifact_manifests enable row level security;
alter table jobforge.jobforge_run_blobs enable row level security;
create policy jobforge_tenant_read on jobforge.jobforge_run_events for select
  using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
create policy jobforge_tenant_read on jobforge.jobforge_artifact_manifests for select
  using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
create policy jobforge_tenant_read on jobforge.jobforge_run_blobs for select
  using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
revoke all on jobforge.jobforge_run_events, jobforge.jobforge_artifact_manifests,
  jobforge.jobforge_run_blobs from public;
grant select on jobforge.jobforge_run_events, jobforge.jobforge_artifact_manifests,
  jobforge.jobforge_run_blobs to jobforge_app, jobforge_worker;

-- The job's tenant when the caller may see the job; null otherwise (never another tenant's row).
create function jobforge.jobforge_run_tenant(p_job_id bigint, p_tenant uuid) returns uuid
language sql stable
as $$
  select tenant_id from jobforge.jobforge_jobs
    where id = p_job_id and (p_tenant is null or tenant_id = p_tenant)
$$;

-- Appends events to one attempt of a job; p_events is a JSON array of objects (at most 1000, each
-- at most 16 KiB of JSON). Returns the last seq. Wakes `jobforge jobs tail` through NOTIFY.
create function jobforge.jobforge_append_run_events(
  p_job_id bigint, p_attempt integer, p_events jsonb, p_tenant uuid default null)
returns integer
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge_run_tenant(p_job_id, jobforge_resolve_tenant(p_tenant, false));
  v_last integer;
begin
  if v_tenant is null then
    raise exception 'job % does not exist', p_job_id using errcode = 'JF004';
  end if;
  if jsonb_typeof(p_events) is distinct from 'array' or jsonb_array_length(p_events) > 1000 then
    raise exception 'events must be a JSON array of at most 1000 objects' using errcode = 'JF004';
  end if;
  if exists (select 1 from jsonb_array_elements(p_events) e
             where jsonb_typeof(e) <> 'object' or octet_length(e::text) > 16384) then
    raise exception 'each event must be a JSON object of at most 16384 bytes' using errcode = 'JF001';
  end if;
  -- Serialises writers of the same attempt, so seq has no gaps and no duplicates.
  perform pg_advisory_xact_lock(hashtextextended(format('jobforge_run_events %s.%s', p_job_id, p_attempt), 0));
  select coalesce(max(seq), 0) into v_last from jobforge_run_events
    where job_id = p_job_id and attempt = p_attempt;
  insert into jobforge_run_events (job_id, tenant_id, attempt, seq, event)
    select p_job_id, v_tenant, p_attempt, v_last + n::integer, e
    from jsonb_array_elements(p_events) with ordinality as t(e, n);
  v_last := v_last + jsonb_array_length(p_events);
  perform pg_notify('jobforge_run_events', p_job_id::text);
  return v_last;
end
$$;

-- Events of a job after p_after_seq (of one attempt, or of every attempt in order), at most p_limit.
create function jobforge.jobforge_list_run_events(
  p_job_id bigint, p_attempt integer default null, p_after_seq integer default 0,
  p_limit integer default 1000, p_tenant uuid default null)
returns jsonb
language plpgsql stable security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge_run_tenant(p_job_id, jobforge_resolve_tenant(p_tenant, false));
begin
  if v_tenant is null then
    return null;
  end if;
  return coalesce((
    select jsonb_agg(x.event || jsonb_build_object('job_id', p_job_id::text, 'attempt', x.attempt,
                     'seq', x.seq) order by x.attempt, x.seq)
    from (select attempt, seq, event from jobforge_run_events
          where job_id = p_job_id and (p_attempt is null or attempt = p_attempt)
            and (p_attempt is null or seq > p_after_seq)
          order by attempt, seq
          limit least(greatest(p_limit, 1), 10000)) x), '[]'::jsonb);
end
$$;

-- Stores the manifest of one attempt, once. Returns false when that attempt has one already.
create function jobforge.jobforge_put_run_manifest(
  p_job_id bigint, p_attempt integer, p_manifest jsonb, p_manifest_sha256 text,
  p_tenant uuid default null)
returns boolean
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge_run_tenant(p_job_id, jobforge_resolve_tenant(p_tenant, false));
begin
  if v_tenant is null then
    raise exception 'job % does not exist', p_job_id using errcode = 'JF004';
  end if;
  insert into jobforge_artifact_manifests (job_id, tenant_id, attempt, manifest, manifest_sha256)
    values (p_job_id, v_tenant, p_attempt, p_manifest, p_manifest_sha256)
    on conflict (job_id, attempt) do nothing;
  return found;
end
$$;

-- One attempt's record (the latest recorded attempt when p_attempt is null):
-- {job_id, attempt, tenant_id, job_status, manifest, manifest_sha256, created_at}, or null.
create function jobforge.jobforge_get_run(
  p_job_id bigint, p_attempt integer default null, p_tenant uuid default null)
returns jsonb
language plpgsql stable security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge_run_tenant(p_job_id, jobforge_resolve_tenant(p_tenant, false));
begin
  if v_tenant is null then
    return null;
  end if;
  return (
    select jsonb_build_object('job_id', m.job_id::text, 'attempt', m.attempt,
      'tenant_id', m.tenant_id, 'job_status', j.status, 'manifest', m.manifest,
      'manifest_sha256', m.manifest_sha256, 'created_at', m.created_at)
    from jobforge_artifact_manifests m join jobforge_jobs j on j.id = m.job_id
    where m.job_id = p_job_id and (p_attempt is null or m.attempt = p_attempt)
    order by m.attempt desc limit 1);
end
$$;

-- Stores a small artifact's bytes under their sha256 (checked here) for the job's tenant.
create function jobforge.jobforge_put_run_blob(
  p_job_id bigint, p_bytes bytea, p_tenant uuid default null)
returns text
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_tenant uuid := jobforge_run_tenant(p_job_id, jobforge_resolve_tenant(p_tenant, false));
  v_sha text := encode(sha256(p_bytes), 'hex');
begin
  if v_tenant is null then
    raise exception 'job % does not exist', p_job_id using errcode = 'JF004';
  end if;
  if octet_length(p_bytes) > 1048576 then
    raise exception 'a blob in the database is at most 1 MiB, got % bytes', octet_length(p_bytes)
      using errcode = 'JF001', hint = 'store larger artifacts in the filesystem or object store';
  end if;
  insert into jobforge_run_blobs (tenant_id, sha256, bytes) values (v_tenant, v_sha, p_bytes)
    on conflict do nothing;
  return v_sha;
end
$$;

create function jobforge.jobforge_get_run_blob(p_job_id bigint, p_sha256 text, p_tenant uuid default null)
returns bytea
language sql stable security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
  select b.bytes from jobforge_run_blobs b
  where b.sha256 = p_sha256
    and b.tenant_id = jobforge_run_tenant(p_job_id, jobforge_resolve_tenant(p_tenant, false))
$$;

revoke all on function jobforge.jobforge_run_tenant(bigint, uuid),
  jobforge.jobforge_append_run_events(bigint, integer, jsonb, uuid),
  jobforge.jobforge_list_run_events(bigint, integer, integer, integer, uuid),
  jobforge.jobforge_put_run_manifest(bigint, integer, jsonb, text, uuid),
  jobforge.jobforge_get_run(bigint, integer, uuid),
  jobforge.jobforge_put_run_blob(bigint, bytea, uuid),
  jobforge.jobforge_get_run_blob(bigint, text, uuid) from public;
-- Applications read their own runs; only workers write them.
grant execute on function jobforge.jobforge_list_run_events(bigint, integer, integer, integer, uuid),
  jobforge.jobforge_get_run(bigint, integer, uuid),
  jobforge.jobforge_get_run_blob(bigint, text, uuid) to jobforge_app, jobforge_worker;
grant execute on function jobforge.jobforge_append_run_events(bigint, integer, jsonb, uuid),
  jobforge.jobforge_put_run_manifest(bigint, integer, jsonb, text, uuid),
  jobforge.jobforge_put_run_blob(bigint, bytea, uuid) to jobforge_worker;
