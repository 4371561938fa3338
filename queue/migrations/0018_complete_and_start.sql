-- JobForge queue, migration 18: a worker's cycle in one statement, and starts off the disk's path.
--
-- A worker running short handlers is paced by the round trip that charges reserved jobs before
-- their handlers run (jobforge_start_jobs): each moves at most `concurrency` jobs, and it waited for
-- a WAL flush although only a server crash can lose an unflushed start, which leaves the job
-- reserved and uncharged, as a lost claim does. jobforge_complete_and_start records
-- completions, starts reserved jobs and claims more, any of them, in one statement; a call that
-- records no completion commits without waiting for the flush, as a claim does. The worker sends
-- its starts this way and its completions (which must be durable) on another connection.
--
-- It calls the functions it folds together, unchanged: every rule they keep (tenant checks, lease
-- tokens, retries and dead letters, attempt and result rows, presence recovery, the one-suspect
-- rule, ordering keys) holds here because their code runs here. No existing function changes.

-- Must come first so two concurrent runs are caught (see migrate.ts).
insert into jobforge.jobforge_migrations (id, name) values (18, '0018_complete_and_start');

-- p_items: as jobforge_complete_jobs; p_start: as jobforge_start_jobs ([{id, lease}]); p_claim:
-- null, or {worker_id, limit, start, types, lease_ms} as jobforge_claim_jobs takes them.
-- Returns {done: [{id, status}], started: [{id, attempts}], claimed: {lease, jobs} | null}.
-- Completions are recorded first, so a job freed by them (its ordering key's next) is claimable
-- in the same call.
create function jobforge.jobforge_complete_and_start(
  p_items jsonb, p_start jsonb, p_claim jsonb default null, p_tenant uuid default null)
returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, jobforge, pg_temp
as $$
declare
  v_done jsonb := '[]'::jsonb;
  v_started jsonb := '[]'::jsonb;
  v_claimed jsonb;
  v_sync text;
begin
  if jsonb_typeof(p_items) is distinct from 'array' or jsonb_typeof(p_start) is distinct from 'array'
     or (p_claim is not null and jsonb_typeof(p_claim) is distinct from 'object') then
    raise exception 'items and start must be JSON arrays, claim a JSON object or null'
      using errcode = 'JF004';
  end if;
  if jsonb_array_length(p_items) > 0 then
    v_done := jobforge.jobforge_complete_jobs(p_items, p_tenant);
  else
    -- Nothing to record: a start lost in a server crash leaves its job reserved and uncharged,
    -- as a lost claim does, so this commit need not wait for the WAL flush. WAL is written in
    -- order: a later completion's flush makes this start durable before that completion is.
    perform set_config('synchronous_commit', 'off', true);
  end if;
  if jsonb_array_length(p_start) > 0 then
    v_started := jobforge.jobforge_start_jobs(p_start, p_tenant);
  end if;
  if p_claim is not null then
    -- The claim turns synchronous_commit off for its transaction (a lost claim costs nothing);
    -- this one records completions, which must reach the disk before the worker is told so.
    v_sync := current_setting('synchronous_commit');
    v_claimed := jobforge.jobforge_claim_jobs(
      p_claim->>'worker_id', (p_claim->>'limit')::integer,
      case when p_claim ? 'types' and jsonb_typeof(p_claim->'types') = 'array'
           then array(select jsonb_array_elements_text(p_claim->'types')) end,
      coalesce((p_claim->>'lease_ms')::integer, 30000), p_tenant, (p_claim->>'start')::integer);
    perform set_config('synchronous_commit', v_sync, true);
  end if;
  return jsonb_build_object('done', v_done, 'started', v_started, 'claimed', v_claimed);
end
$$;

revoke all on function jobforge.jobforge_complete_and_start(jsonb, jsonb, jsonb, uuid) from public;
grant execute on function jobforge.jobforge_complete_and_start(jsonb, jsonb, jsonb, uuid)
  to jobforge_app, jobforge_worker;
