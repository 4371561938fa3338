-- JobForge queue, migration 14: run records in one call (docs/runs.md, "Cost"). A recorded attempt
-- used to make about a dozen round trips (event batches, one per small artifact, the manifest); on
-- a single connection (PGlite) they serialised every worker. jobforge_record_runs stores, for one
-- or many attempts, the events not yet written, the small artifacts' bytes and the manifest, in
-- one transaction and one round trip; the client batches the attempts that end while a call is in
-- flight, so N concurrent runs cost one call, not N.

insert into jobforge.jobforge_migrations (id, name) values (14, '0014_record_run');

-- p_runs: a JSON array (at most 100) of
--   {job_id, attempt, events: [...], blobs: ["<base64>", ...], manifest: {...}, manifest_sha256}
-- events as jobforge_append_run_events takes them (and checked the same way); blobs the small
-- artifacts' bytes (at most 256 a run, 1 MiB each); every `storage: "db"` entry of the manifest
-- must then be stored for the job's tenant. Returns [{job_id, attempt, last_seq, stored}] in the
-- same order: stored is false when the attempt had a manifest already (the first one is kept).
create function jobforge.jobforge_record_runs(p_runs jsonb, p_tenant uuid default null)
returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_caller uuid := jobforge.jobforge_resolve_tenant(p_tenant, false);
  v_run jsonb;
  v_job bigint;
  v_attempt integer;
  v_tenant uuid;
  v_last integer;
  v_missing text;
  v_stored boolean;
  v_out jsonb := '[]'::jsonb;
begin
  -- This commit need not wait for its WAL flush: the worker completes the job after recording
  -- it, and that commit (synchronous) flushes the WAL up to itself, this record included. A worker
  -- that dies in between loses at most this record of an attempt the lease will retry.
  perform set_config('synchronous_commit', 'off', true);
  if jsonb_typeof(p_runs) is distinct from 'array' or jsonb_array_length(p_runs) > 100 then
    raise exception 'runs must be a JSON array of at most 100 records' using errcode = 'JF004';
  end if;
  for v_run in select r from jsonb_array_elements(p_runs) as t(r)
  loop
    if jsonb_typeof(v_run) is distinct from 'object'
       or coalesce(v_run ->> 'job_id', '') !~ '^[1-9][0-9]{0,18}$'
       or jsonb_typeof(v_run -> 'attempt') is distinct from 'number'
       or jsonb_typeof(v_run -> 'events') is distinct from 'array'
       or jsonb_typeof(v_run -> 'blobs') is distinct from 'array'
       or jsonb_array_length(v_run -> 'blobs') > 256
       or jsonb_typeof(v_run -> 'manifest') is distinct from 'object'
       or jsonb_typeof(v_run -> 'manifest' -> 'artifacts') is distinct from 'array' then
      raise exception 'a run record is {job_id, attempt, events, blobs (at most 256), manifest: {artifacts}, manifest_sha256}'
        using errcode = 'JF004';
    end if;
    v_job := (v_run ->> 'job_id')::bigint;
    v_attempt := (v_run ->> 'attempt')::integer;
    v_tenant := jobforge.jobforge_run_tenant(v_job, v_caller);
    if v_tenant is null then
      raise exception 'job % does not exist', v_job using errcode = 'JF004';
    end if;
    if jsonb_array_length(v_run -> 'events') > 0 then
      -- The same checks, lock and NOTIFY as every other append.
      v_last := jobforge.jobforge_append_run_events(v_job, v_attempt, v_run -> 'events', v_tenant);
    else
      select coalesce(max(seq), 0) into v_last from jobforge.jobforge_run_events
        where job_id = v_job and attempt = v_attempt;
    end if;
    -- 1 MiB of bytes is 1398104 characters of base64; checked before anything is decoded.
    if exists (select 1 from jsonb_array_elements(v_run -> 'blobs') b
               where jsonb_typeof(b) <> 'string' or length(b #>> '{}') > 1398104) then
      raise exception 'a blob in the database is at most 1 MiB of bytes, as a base64 string'
        using errcode = 'JF001', hint = 'store larger artifacts in the filesystem or object store';
    end if;
    insert into jobforge.jobforge_run_blobs (tenant_id, sha256, bytes)
      select distinct on (1, 2) v_tenant, encode(sha256(x.bytes), 'hex'), x.bytes
      from (select decode(b, 'base64') as bytes
            from jsonb_array_elements_text(v_run -> 'blobs') as t(b)) x
      on conflict do nothing;
    -- A manifest never names database bytes that are not there: a reader would find a hole.
    select a ->> 'name' into v_missing
      from jsonb_array_elements(v_run -> 'manifest' -> 'artifacts') a
      where a ->> 'storage' = 'db'
        and not exists (select 1 from jobforge.jobforge_run_blobs b
                        where b.tenant_id = v_tenant and b.sha256 = a ->> 'sha256')
      limit 1;
    if v_missing is not null then
      raise exception 'the manifest of job % stores % in the database, but its bytes were not given',
        v_job, v_missing using errcode = 'JF004';
    end if;
    insert into jobforge.jobforge_artifact_manifests (job_id, tenant_id, attempt, manifest, manifest_sha256)
      values (v_job, v_tenant, v_attempt, v_run -> 'manifest', v_run ->> 'manifest_sha256')
      on conflict (job_id, attempt) do nothing;
    v_stored := found;
    v_out := v_out || jsonb_build_array(jsonb_build_object('job_id', v_job::text,
      'attempt', v_attempt, 'last_seq', v_last, 'stored', v_stored));
  end loop;
  return v_out;
end
$$;

revoke all on function jobforge.jobforge_record_runs(jsonb, uuid) from public;
grant execute on function jobforge.jobforge_record_runs(jsonb, uuid) to jobforge_worker;
