-- JobForge queue, migration 1: tables, indexes, roles and row-level security.
-- Apply with `jobforge db migrate`, or by hand:
--   psql -v ON_ERROR_STOP=1 -1 -f 0001_schema.sql -f 0002_functions.sql -f 0003_jobforge_schema.sql …
-- Every JobForge object lives in the schema `jobforge`, never in `public` (see 0003 for why).

create schema if not exists jobforge;
set local search_path = jobforge, pg_catalog;

create table if not exists jobforge_migrations (
  id integer primary key,
  name text not null,
  applied_at timestamptz not null default now()
);

-- Must come first: a second `migrate` running at the same time blocks on this row, then fails with a
-- unique violation once the first commits, so one migration is never applied twice.
insert into jobforge_migrations (id, name) values (1, '0001_schema');

-- Roles are cluster-wide, so they may exist already (another database, an earlier run).
--   jobforge_app:    a tenant's application; sees only rows of current_setting('app.tenant_id').
--   jobforge_worker: a trusted worker or service; may act for any tenant through the functions.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'jobforge_app') then
    create role jobforge_app nologin;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'jobforge_worker') then
    create role jobforge_worker nologin;
  end if;
end
$$;

create table jobforge_jobs (
  id bigint generated always as identity primary key,
  tenant_id uuid not null,
  type text not null check (length(type) between 1 and 200),
  payload jsonb not null,
  status text not null default 'queued'
    check (status in ('queued', 'running', 'succeeded', 'failed', 'dead', 'canceled')),
  priority integer not null default 0,
  run_at timestamptz not null default now(),
  attempts integer not null default 0,
  max_attempts integer not null default 5 check (max_attempts between 1 and 1000),
  backoff_base_ms integer not null default 1000 check (backoff_base_ms >= 0),
  backoff_max_ms integer not null default 3600000 check (backoff_max_ms >= 0),
  idempotency_key text check (length(idempotency_key) between 1 and 400),
  ordering_key text check (length(ordering_key) between 1 and 400),
  trace_id text check (length(trace_id) <= 200),
  locked_by text,
  -- The token a claim hands out; set exactly while the job runs.
  lease_token uuid check ((lease_token is not null) = (status = 'running')),
  locked_until timestamptz,
  started_at timestamptz,
  last_error jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Partial indexes: only the rows a claim looks at, so finished jobs cost the claim nothing.
create index jobforge_jobs_claimable on jobforge_jobs (priority desc, run_at, id)
  where status in ('queued', 'failed');
create index jobforge_jobs_expired_leases on jobforge_jobs (locked_until)
  where status = 'running';
create unique index jobforge_jobs_idempotency on jobforge_jobs (tenant_id, type, idempotency_key)
  where idempotency_key is not null;
create index jobforge_jobs_ordering on jobforge_jobs (tenant_id, ordering_key, id)
  where ordering_key is not null and status in ('queued', 'failed', 'running');
-- No (tenant_id, status) index: claim and complete rewrite every index entry of a job, and listing
-- (newest first by id) is an operator's query that can afford a scan.

-- One row per attempt, written in the same statement as the status change that ends the attempt.
-- No surrogate key: the (job_id, attempt, finished_at) index finds a job's history, and one index
-- per row is what a completion pays.
create table jobforge_job_attempts (
  job_id bigint not null,
  tenant_id uuid not null,
  attempt integer not null,
  worker_id text,
  outcome text not null check (outcome in ('succeeded', 'failed', 'lease_expired', 'released')),
  error jsonb,
  evidence jsonb,
  started_at timestamptz,
  finished_at timestamptz not null default now()
);
create index jobforge_job_attempts_job on jobforge_job_attempts (job_id, finished_at);

-- Immutable: one row per finished job run (succeeded or dead), with the evidence envelope.
create table jobforge_job_results (
  job_id bigint not null,
  tenant_id uuid not null,
  attempt integer not null,
  status text not null check (status in ('succeeded', 'dead')),
  result jsonb,
  error jsonb,
  evidence jsonb,
  created_at timestamptz not null default now()
);
create index jobforge_job_results_job on jobforge_job_results (job_id, created_at);

create function jobforge_refuse_change() returns trigger
language plpgsql as $$
begin
  raise exception 'jobforge_job_results rows are immutable (% refused)', tg_op
    using errcode = 'insufficient_privilege';
end
$$;
create trigger jobforge_job_results_immutable before update or delete on jobforge_job_results
  for each row execute function jobforge_refuse_change();

-- Per-tenant connector settings (no secrets: those stay in the host's secret store).
create table jobforge_connector_configs (
  tenant_id uuid not null,
  connector_id text not null,
  config jsonb not null default '{}'::jsonb,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, connector_id)
);

-- Row-level security: an application role reads only its tenant's rows. Writes go through the
-- SECURITY DEFINER functions of migration 2 (the owner bypasses RLS; the functions check the tenant).
alter table jobforge_jobs enable row level security;
alter table jobforge_job_attempts enable row level security;
alter table jobforge_job_results enable row level security;
alter table jobforge_connector_configs enable row level security;

create policy jobforge_tenant_read on jobforge_jobs for select
  using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
create policy jobforge_tenant_read on jobforge_job_attempts for select
  using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
create policy jobforge_tenant_read on jobforge_job_results for select
  using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
create policy jobforge_tenant_read on jobforge_connector_configs for select
  using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);

revoke all on jobforge_jobs, jobforge_job_attempts, jobforge_job_results, jobforge_connector_configs,
  jobforge_migrations from public;
grant select on jobforge_jobs, jobforge_job_attempts, jobforge_job_results, jobforge_connector_configs
  to jobforge_app, jobforge_worker;
