import { requireFeature } from '../feature-flags.js';
import { QueueError, toQueueError } from '../queue-error.js';
import { queryRows, type SqlTarget } from '../sql-connection.js';
import { assertTenantId, isoTime, MAX_PAYLOAD_BYTES, payloadJson } from '../validate-job.js';
import type { EventInput, StoredEvent } from './event-types.js';

/** Reverse-DNS style; the SQL function checks the same pattern. */
export const EVENT_TYPE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9][A-Za-z0-9_-]*)+$/;

export interface SubmitEventOptions {
  /** Required unless the session is bound to a tenant (`app.tenant_id`). */
  tenantId?: string;
}

/**
 * Stores one event, idempotent on (tenant, source, id): a duplicate is answered with the first
 * one's row and `created: false`. Needs JOBFORGE_EVENTS_ENABLED (FEATURE_DISABLED otherwise). Pass the caller's own connection inside a transaction, and the
 * event (and every job its event triggers enqueue) exists only if that transaction commits.
 *
 * @example
 * await submitEvent(driver, { id: 'evt_1', source: 'billing', type: 'invoice.paid', data }, { tenantId });
 * // or, inside the application's transaction:
 * await client.query('begin');
 * await client.query('insert into invoices …');
 * await submitEvent(client, event, { tenantId });
 * await client.query('commit');
 */
export async function submitEvent(
  db: SqlTarget,
  event: EventInput,
  options: SubmitEventOptions = {},
): Promise<{ event: StoredEvent; created: boolean }> {
  requireFeature('events');
  const body = eventJson(event);
  const tenant =
    options.tenantId === undefined ? null : assertTenantId(options.tenantId, 'tenantId');
  try {
    const rows = await queryRows<{ r: { event: StoredEvent; created: boolean } }>(
      db,
      'select jobforge.jobforge_submit_event($1::jsonb, $2) as r',
      [body, tenant],
    );
    return rows[0]!.r;
  } catch (error) {
    throw toQueueError(error, 'jobforge_submit_event');
  }
}

/**
 * Stores many events in one statement (one round trip), each as submitEvent would; answers in
 * input order. All or none: one bad event fails the batch.
 *
 * @example
 * const results = await submitEvents(driver, events, { tenantId });
 */
export async function submitEvents(
  db: SqlTarget,
  events: EventInput[],
  options: SubmitEventOptions = {},
): Promise<{ event: StoredEvent; created: boolean }[]> {
  requireFeature('events');
  if (events.length === 0) return [];
  const body = `[${events.map(eventJson).join(',')}]`;
  const tenant =
    options.tenantId === undefined ? null : assertTenantId(options.tenantId, 'tenantId');
  try {
    const rows = await queryRows<{ r: { event: StoredEvent; created: boolean }[] }>(
      db,
      `select coalesce(jsonb_agg(jobforge.jobforge_submit_event(e, $2) order by n), '[]') as r
       from jsonb_array_elements($1::jsonb) with ordinality as x(e, n)`,
      [body, tenant],
    );
    return rows[0]!.r;
  } catch (error) {
    throw toQueueError(error, 'jobforge_submit_event');
  }
}

/** Checks an event on this side (clear messages naming the field) and serializes it once. */
export function eventJson(event: EventInput): string {
  if (typeof event !== 'object' || event === null) invalid('the event must be an object', 'event');
  for (const field of ['id', 'source', 'type'] as const) {
    const value = event[field];
    if (typeof value !== 'string' || value.length === 0 || value.length > 500) {
      invalid(`"${field}" must be a non-empty string of at most 500 characters`, field);
    }
  }
  if (event.type.length > 200 || !EVENT_TYPE_PATTERN.test(event.type)) {
    invalid(
      `event type ${JSON.stringify(event.type.slice(0, 80))} is not reverse-DNS style`,
      'type',
      {
        hint: 'use dot-separated segments of letters, digits, _ and -, e.g. invoice.paid',
      },
    );
  }
  const data = event.data === undefined ? 'null' : dataJson(event.data);
  const rest: Record<string, string> = {};
  if (event.subject !== undefined) rest.subject = event.subject;
  if (event.time !== undefined) rest.time = isoTime(event.time, 'time');
  if (event.datacontenttype !== undefined) rest.datacontenttype = event.datacontenttype;
  if (event.projectId !== undefined) rest.project_id = event.projectId;
  if (event.traceId !== undefined) rest.trace_id = event.traceId;
  const head = JSON.stringify({ id: event.id, source: event.source, type: event.type, ...rest });
  return `${head.slice(0, -1)},"data":${data}}`;
}

function dataJson(data: unknown): string {
  try {
    return payloadJson(data, 'data', MAX_PAYLOAD_BYTES);
  } catch (error) {
    if (!(error instanceof QueueError)) throw error;
    const code = error.code === 'PAYLOAD_TOO_LARGE' ? 'EVENT_TOO_LARGE' : 'INVALID_EVENT';
    throw new QueueError(code, error.message.replace('the payload', "the event's data"), {
      where: 'data',
      ...(error.hint ? { hint: error.hint } : {}),
    });
  }
}

function invalid(message: string, where: string, extra: { hint?: string } = {}): never {
  throw new QueueError('INVALID_EVENT', message, { where, ...extra });
}
