-- JobForge queue, migration 10: governance tables. Job templates, policy grants and revocations,
-- the tamper-evident audit log with its signed checkpoints, and project scope beside tenant.
-- docs/governance.md describes each. Existing rows stay valid: every new column is nullable.

-- Unqualified names in function bodies and types resolve here (as `jobforge db migrate` runs it).
set local search_path = jobforge, pg_catalog;

insert into jobforge.jobforge_migrations (id, name) values (10, '0010_governance_schema');

-- Project scope ---------------------------------------------------------------------------------
-- A job takes the session's app.project_id unless the enqueue names one (the default is evaluated
-- once for existing rows, which get NULL: no table rewrite).
alter table jobforge.jobforge_jobs
  add column project_id uuid default nullif(current_setting('app.project_id', true), '')::uuid;
alter table jobforge.jobforge_job_attempts add column project_id uuid;
alter table jobforge.jobforge_job_results add column project_id uuid;
-- Partial: jobs without a project (the default) cost these indexes nothing.
create index jobforge_jobs_project on jobforge.jobforge_jobs (tenant_id, project_id, id)
  where project_id is not null;
create index jobforge_job_attempts_project on jobforge.jobforge_job_attempts (tenant_id, project_id)
  where project_id is not null;
create index jobforge_job_results_project on jobforge.jobforge_job_results (tenant_id, project_id)
  where project_id is not null;

-- Attempts and results are written by workers, whose sessions carry no project: copy the job's.
create function jobforge.jobforge_copy_job_project() returns trigger
language plpgsql as $$
begin
  select j.project_id into new.project_id from jobforge.jobforge_jobs j where j.id = new.job_id;
  return new;
end
$$;
create trigger jobforge_job_attempts_project before insert on jobforge.jobforge_job_attempts
  for each row when (new.project_id is null) execute function jobforge.jobforge_copy_job_project();
create trigger jobforge_job_results_project before insert on jobforge.jobforge_job_results
  for each row when (new.project_id is null) execute function jobforge.jobforge_copy_job_project();

-- Job templates -----------------------------------------------------------------------------------
-- A registry of job types, global to the database (managed by operators, not tenants). The newest
-- enabled version of a type is the one enqueue validates against.
create table jobforge.jobforge_job_templates (
  type text not null check (length(type) between 1 and 200),
  version integer not null check (version between 1 and 1000000),
  payload_schema jsonb not null,
  defaults jsonb not null default '{}'::jsonb check (jsonb_typeof(defaults) = 'object'),
  effect text not null check (effect in ('read', 'write')),
  scopes text[] not null default '{}',
  description text not null default '' check (length(description) <= 2000),
  enabled boolean not null default true,
  created_by text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (type, version)
);

-- Policy tokens -----------------------------------------------------------------------------------
-- The grant a verified token carried, stored per job so the worker checks it again at claim. The
-- token itself is never stored: it is a bearer credential.
create table jobforge.jobforge_job_policies (
  job_id bigint primary key,
  tenant_id uuid not null,
  token_id text not null check (length(token_id) between 1 and 200),
  policy_grant jsonb not null,
  expires_at timestamptz not null,
  created_at timestamptz not null default now()
);
create table jobforge.jobforge_policy_revocations (
  token_id text primary key check (length(token_id) between 1 and 200),
  tenant_id uuid not null,
  revoked_by text,
  reason text check (length(reason) <= 2000),
  revoked_at timestamptz not null default now()
);

-- Audit log ---------------------------------------------------------------------------------------
-- One hash chain per tenant: row n carries the sha256 of row n-1 of its tenant (prev_hash) and its
-- own (hash = sha256(prev_hash || canonical text of the row), see jobforge_audit_canon). Global
-- actions (templates) are chained under the nil tenant 00000000-0000-0000-0000-000000000000.
create table jobforge.jobforge_audit_log (
  tenant_id uuid not null,
  seq bigint not null check (seq >= 1),
  project_id uuid,
  actor text not null check (length(actor) between 1 and 400),
  action text not null check (length(action) between 1 and 200),
  target text check (length(target) <= 400),
  decision text check (decision in ('allowed', 'denied')),
  correlation_id text check (length(correlation_id) <= 200),
  details jsonb,
  created_at timestamptz not null default now(),
  prev_hash text not null check (prev_hash ~ '^[0-9a-f]{64}$'),
  hash text not null check (hash ~ '^[0-9a-f]{64}$'),
  primary key (tenant_id, seq)
);
create index jobforge_audit_log_time on jobforge.jobforge_audit_log (tenant_id, created_at);
create index jobforge_audit_log_action on jobforge.jobforge_audit_log (tenant_id, action, created_at);

-- The chain's head per tenant: where the next append links. A cache the appender locks; `audit
-- verify` never trusts it, it walks the rows.
create table jobforge.jobforge_audit_heads (
  tenant_id uuid primary key,
  seq bigint not null,
  hash text not null
);

-- Checkpoints the host signed: the head (seq, hash) of a tenant's chain at a moment, in a DSSE
-- envelope. A rewritten chain no longer matches them.
create table jobforge.jobforge_audit_checkpoints (
  tenant_id uuid not null,
  seq bigint not null,
  head_hash text not null check (head_hash ~ '^[0-9a-f]{64}$'),
  key_id text not null,
  envelope jsonb not null,
  signed_at timestamptz not null default now(),
  primary key (tenant_id, seq, key_id)
);

-- Append-only: no role may update, delete or truncate, the functions' owner included. Only a
-- superuser who disables the trigger can, and `audit verify` then names the rows.
create function jobforge.jobforge_audit_refuse_change() returns trigger
language plpgsql as $$
begin
  raise exception '% is append-only (% refused)', tg_table_name, tg_op
    using errcode = 'insufficient_privilege';
end
$$;
create trigger jobforge_audit_log_append_only before update or delete on jobforge.jobforge_audit_log
  for each row execute function jobforge.jobforge_audit_refuse_change();
create trigger jobforge_audit_log_no_truncate before truncate on jobforge.jobforge_audit_log
  for each statement execute function jobforge.jobforge_audit_refuse_change();
create trigger jobforge_audit_checkpoints_append_only before update or delete
  on jobforge.jobforge_audit_checkpoints for each row execute function jobforge.jobforge_audit_refuse_change();
create trigger jobforge_audit_checkpoints_no_truncate before truncate on jobforge.jobforge_audit_checkpoints
  for each statement execute function jobforge.jobforge_audit_refuse_change();

-- Row-level security ------------------------------------------------------------------------------
-- Tenant rows as in migration 1; project scope is a RESTRICTIVE policy, so it narrows the tenant
-- policy (permissive policies are OR-ed, restrictive ones AND-ed): a session that sets
-- app.project_id sees only that project's rows; one that does not sees the whole tenant.
alter table jobforge.jobforge_job_policies enable row level security;
alter table jobforge.jobforge_policy_revocations enable row level security;
alter table jobforge.jobforge_audit_log enable row level security;
alter table jobforge.jobforge_audit_heads enable row level security;
alter table jobforge.jobforge_audit_checkpoints enable row level security;

create policy jobforge_tenant_read on jobforge.jobforge_job_policies for select
  using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
create policy jobforge_tenant_read on jobforge.jobforge_policy_revocations for select
  using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
create policy jobforge_tenant_read on jobforge.jobforge_audit_log for select
  using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
create policy jobforge_tenant_read on jobforge.jobforge_audit_checkpoints for select
  using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);

create policy jobforge_project_read on jobforge.jobforge_jobs as restrictive for select
  using (nullif(current_setting('app.project_id', true), '') is null
         or project_id = nullif(current_setting('app.project_id', true), '')::uuid);
create policy jobforge_project_read on jobforge.jobforge_job_attempts as restrictive for select
  using (nullif(current_setting('app.project_id', true), '') is null
         or project_id = nullif(current_setting('app.project_id', true), '')::uuid);
create policy jobforge_project_read on jobforge.jobforge_job_results as restrictive for select
  using (nullif(current_setting('app.project_id', true), '') is null
         or project_id = nullif(current_setting('app.project_id', true), '')::uuid);
create policy jobforge_project_read on jobforge.jobforge_audit_log as restrictive for select
  using (nullif(current_setting('app.project_id', true), '') is null
         or project_id = nullif(current_setting('app.project_id', true), '')::uuid);

revoke all on function jobforge.jobforge_copy_job_project(), jobforge.jobforge_audit_refuse_change()
  from public;
revoke all on jobforge.jobforge_job_templates, jobforge.jobforge_job_policies, jobforge.jobforge_policy_revocations,
  jobforge.jobforge_audit_log, jobforge.jobforge_audit_heads, jobforge.jobforge_audit_checkpoints from public;
grant select on jobforge.jobforge_job_templates, jobforge.jobforge_job_policies, jobforge.jobforge_policy_revocations,
  jobforge.jobforge_audit_log, jobforge.jobforge_audit_checkpoints to jobforge_app, jobforge_worker;
