-- JobForge queue, migration 19: one round trip per worker cycle.
--
-- A worker running short handlers spent most of its time waiting on two round trips per cycle:
-- jobforge_complete_jobs for the handlers that finished, then jobforge_start_jobs to charge the
-- reserved jobs taking their slots. jobforge_complete_and_start does both in one statement, and
-- may carry the worker's next claim too, so a draining worker's cycle is one round trip.
--
-- It calls the functions it folds together, unchanged: every rule they keep (tenant checks, lease
-- tokens, retries and dead letters, attempt and result rows, presence recovery, the one-suspect
-- rule, ordering keys) holds here because their code runs here. No existing function changes.

-- Must come first so two concurrent runs are caught (see migrate.ts).
insert into jobforge.jobforge_migrations (id, name) values (19, '0019_complete_and_start');

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
