-- JobForge queue, migration 15: the `lost` run event (docs/runs.md). When a lease is reaped (the
-- worker died or stopped heartbeating), the attempt row it writes ('lease_expired') appends a
-- `lost` event to that attempt's run events, in the reaper's own transaction, so a record says
-- how the attempt ended even though its worker never could. Only an attempt that has run events
-- (run records on) gets one: with run records off nothing changes.

insert into jobforge.jobforge_migrations (id, name) values (15, '0015_run_lost');

create function jobforge.jobforge_run_lost() returns trigger
language plpgsql security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
begin
  if not exists (select 1 from jobforge.jobforge_run_events
                 where job_id = new.job_id and attempt = new.attempt) then
    return null;
  end if;
  -- The same lock as jobforge_append_run_events: seq stays gapless against a late writer.
  perform pg_advisory_xact_lock(
    hashtextextended(format('jobforge_run_events %s.%s', new.job_id, new.attempt), 0));
  insert into jobforge.jobforge_run_events (job_id, tenant_id, attempt, seq, event)
    select new.job_id, new.tenant_id, new.attempt, coalesce(max(e.seq), 0) + 1,
      jsonb_strip_nulls(jsonb_build_object(
        'kind', 'lost',
        'at', to_char(new.finished_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'code', 'LEASE_EXPIRED',
        'reason', 'the worker stopped renewing its lease before the attempt ended',
        'worker_id', new.worker_id))
    from jobforge.jobforge_run_events e
    where e.job_id = new.job_id and e.attempt = new.attempt;
  perform pg_notify('jobforge_run_events', new.job_id::text);
  return null;
end
$$;

revoke all on function jobforge.jobforge_run_lost() from public;

create trigger jobforge_run_lost after insert on jobforge.jobforge_job_attempts
  for each row when (new.outcome = 'lease_expired')
  execute function jobforge.jobforge_run_lost();
