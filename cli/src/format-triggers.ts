import type { Trigger, TriggerHistoryRow } from '@jobforge/queue';
import { formatTable } from './format-table.js';

const when = (t: Trigger) =>
  t.kind === 'cron' ? `cron "${t.cron}" ${t.timezone}` : `event ${t.event_type}`;

/** Triggers as a table, with the stored next fire time of each cron trigger. */
export function formatTriggers(triggers: Trigger[]): string {
  if (triggers.length === 0) return 'no triggers';
  return formatTable(
    ['name', 'state', 'on', 'job type', 'next fire', 'last fire'],
    triggers.map((t) => [
      t.name,
      t.state,
      when(t),
      t.job_type,
      t.next_fire_at ?? '',
      t.last_fire_at ?? '',
    ]),
  );
}

/** One trigger, every setting on a line. */
export function formatTrigger(t: Trigger): string {
  const lines = [
    `${t.name} (${t.id}) ${t.state}: ${when(t)} → ${t.job_type}`,
    `  payload template: ${JSON.stringify(t.payload_template)}`,
  ];
  if (t.kind === 'cron') {
    lines.push(
      `  coalesce ${t.coalesce} · max_instances ${t.max_instances} · misfire_grace_ms ${t.misfire_grace_ms} · catchup_window_ms ${t.catchup_window_ms}`,
      `  next fire: ${t.next_fire_at ?? 'never'} · last fire: ${t.last_fire_at ?? 'never'}`,
    );
  } else if (t.event_filter) {
    lines.push(`  filter: ${JSON.stringify(t.event_filter)}`);
  }
  return lines.join('\n');
}

/** A trigger's history, newest first. */
export function formatTriggerHistory(rows: TriggerHistoryRow[]): string {
  if (rows.length === 0) return 'no history yet';
  return formatTable(
    ['when', 'outcome', 'slot / event', 'job', 'detail'],
    rows.map((h) => [
      h.created_at,
      h.outcome,
      h.slot_at ?? (h.event_seq ? `event seq ${h.event_seq}` : ''),
      h.job_id ?? '',
      h.detail ? JSON.stringify(h.detail).slice(0, 80) : '',
    ]),
  );
}
