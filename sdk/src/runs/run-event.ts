/** The `$schema` every line of an `events.jsonl` names (docs/runs.md has the JSON Schema). */
export const RUN_EVENT_SCHEMA = 'https://jobforge.dev/schemas/run-event/v1.json';

/**
 * What can happen during one attempt of a run, in the order it happens. sdk/schema/
 * run-event.schema.json lists the same kinds (a test fails when they drift).
 */
export const RUN_EVENT_KINDS = [
  'claimed',
  'started',
  'fetch',
  'denial',
  'dry_run_blocked',
  'log',
  'retry',
  'timeout',
  'artifact',
  'truncated',
  'finished',
  'lost',
] as const;
export type RunEventKind = (typeof RUN_EVENT_KINDS)[number];

/**
 * One run event as the runtime reports it: `kind`, `at` (ISO time) and fields of that kind. Never a
 * secret and never a query value: a fetch names method, host and path, and logs are redacted.
 */
export interface RunEventBody {
  kind: RunEventKind;
  at: string;
  /** fetch / denial / dry_run_blocked: the request. */
  method?: string;
  host?: string;
  path?: string;
  status?: number;
  bytes?: number;
  duration_ms?: number;
  /** denial, timeout, retry, finished (on failure), lost: the code. */
  code?: string;
  reason?: string;
  /** log: level and message (redacted). */
  level?: string;
  message?: string;
  /** artifact: its name and size; finished: the run's status. */
  name?: string;
  outcome?: 'success' | 'failure';
  attempt?: number;
  worker_id?: string;
}

/** A stored event: the body plus where it belongs (`seq` counts from 1 per attempt). */
export interface RunEvent extends RunEventBody {
  $schema: typeof RUN_EVENT_SCHEMA;
  job_id: string;
  attempt: number;
  seq: number;
}

/**
 * The path of a URL without its query values: `/v1/users?page=2&token=x` becomes
 * `/v1/users?page=&token=`, so an event names what was asked, never a value that may be a secret.
 *
 * @example
 * describeUrl('https://api.example.test/a?b=1') // { host: 'api.example.test', path: '/a?b=' }
 */
export function describeUrl(url: string): { host: string; path: string } {
  try {
    const parsed = new URL(url);
    const keys = [...parsed.searchParams.keys()];
    const query = keys.length ? `?${keys.map((k) => `${encodeURIComponent(k)}=`).join('&')}` : '';
    return { host: parsed.host, path: `${parsed.pathname}${query}` };
  } catch {
    return { host: '', path: '' };
  }
}
