-- The application's own table, and the trigger that emits `ticket.created` in the same transaction
-- as the insert: the event (and the jobs it triggers) exists only if the insert commits.
create table if not exists tickets (
  id bigint generated always as identity primary key,
  tenant_id uuid not null,
  title text not null,
  priority text not null default 'normal',
  created_at timestamptz not null default now()
);

create or replace function tickets_emit_created() returns trigger
language plpgsql as $$
begin
  perform jobforge.jobforge_submit_event(jsonb_build_object(
    'id', 'ticket-' || new.id,
    'source', 'app/tickets',
    'type', 'ticket.created',
    'subject', new.id::text,
    'data', jsonb_build_object('id', new.id, 'title', new.title, 'priority', new.priority)),
    new.tenant_id);
  return new;
end
$$;

drop trigger if exists tickets_created on tickets;
create trigger tickets_created after insert on tickets
  for each row execute function tickets_emit_created();
