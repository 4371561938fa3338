export type TriggerState = 'enabled' | 'paused' | 'disabled';

/** What both kinds of trigger share: the job they enqueue. */
interface TriggerBase {
  /** Unique per tenant: letters, digits, `.`, `_`, `-`. */
  name: string;
  jobType: string;
  /**
   * The job's payload. `{"$from": "data.ticket.id"}` anywhere in it is replaced by that field of
   * the event (or, for cron, of `{slot, trigger_id, trigger_name, timezone, fired_at}`);
   * `{"$from": "…", "default": v}` gives v where the field is missing.
   */
  payload?: unknown;
  /** Passed to every enqueue: priority, max_attempts, ordering_key, backoff. */
  jobOptions?: { priority?: number; max_attempts?: number; ordering_key?: string };
  state?: TriggerState;
}

export interface CronTriggerSpec extends TriggerBase {
  /** 5 fields, 6 with seconds first, or a nickname such as `@hourly`. */
  cron: string;
  /** IANA time zone the spec is read in, e.g. `Europe/Berlin`. */
  timezone: string;
  /** Missed slots (after downtime) run once, not each (default true, as APScheduler). */
  coalesce?: boolean;
  /** A slot is skipped while this many of the trigger's jobs are queued or running (default 1). */
  maxInstances?: number;
  /** A slot fired later than this is recorded `missed` instead (default 60,000 ms). */
  misfireGraceMs?: number;
  /** After downtime, how far back slots are considered at all (default 24 h). */
  catchupWindowMs?: number;
}

export interface EventTriggerSpec extends TriggerBase {
  /** An event type, or a prefix ending in `.*`. */
  event: string;
  /** JSON containment over `{type, source, subject, data, …}`: the event must contain this. */
  filter?: Record<string, unknown>;
}

export type TriggerSpec = CronTriggerSpec | EventTriggerSpec;

/** A trigger as stored. */
export interface Trigger {
  id: string;
  tenant_id: string;
  name: string;
  state: TriggerState;
  kind: 'cron' | 'event';
  job_type: string;
  payload_template: unknown;
  job_options: Record<string, unknown>;
  cron: string | null;
  timezone: string | null;
  coalesce: boolean;
  max_instances: number;
  misfire_grace_ms: number;
  catchup_window_ms: number;
  next_fire_at: string | null;
  last_fire_at: string | null;
  event_type: string | null;
  event_filter: Record<string, unknown> | null;
  created_at: string;
  updated_at: string;
}

/** One fire, skip, miss or error of a trigger. */
export interface TriggerHistoryRow {
  id: string;
  trigger_id: string;
  outcome: 'fired' | 'skipped' | 'missed' | 'error';
  slot_at: string | null;
  event_seq: string | null;
  job_id: string | null;
  detail: Record<string, unknown> | null;
  fired_by: string | null;
  created_at: string;
}
