import { requireFeature } from '../feature-flags.js';
import { QueueError, toQueueError } from '../queue-error.js';
import { queryRows, type SqlTarget } from '../sql-connection.js';
import { assertTenantId, isoTime } from '../validate-job.js';
import type { EventPage, EventQuery, StoredEvent } from './event-types.js';

/**
 * Lists events newest first by type (exact or `prefix.*`), subject and time range, a page at a
 * time: pass the answer's `nextBefore` as `before` for the next page.
 *
 * @example
 * const { events, nextBefore } = await queryEvents(driver, { type: 'invoice.*', limit: 100 }, { tenantId });
 */
export async function queryEvents(
  db: SqlTarget,
  query: EventQuery = {},
  options: { tenantId?: string } = {},
): Promise<EventPage> {
  requireFeature('events');
  const q: Record<string, unknown> = {};
  if (query.type !== undefined) q.type = query.type;
  if (query.subject !== undefined) q.subject = query.subject;
  if (query.since !== undefined) q.since = isoTime(query.since, 'since');
  if (query.until !== undefined) q.until = isoTime(query.until, 'until');
  if (query.before !== undefined) {
    if (!/^[1-9]\d{0,18}$/.test(query.before)) {
      throw new QueueError(
        'INVALID_EVENT_QUERY',
        `"before" is an event seq, got ${JSON.stringify(query.before)}`,
        {
          where: 'before',
          hint: 'pass the nextBefore of the previous page',
        },
      );
    }
    q.before = query.before;
  }
  if (query.limit !== undefined) q.limit = query.limit;
  const tenant =
    options.tenantId === undefined ? null : assertTenantId(options.tenantId, 'tenantId');
  try {
    const rows = await queryRows<{ r: { events: StoredEvent[]; next_before: string | null } }>(
      db,
      'select jobforge.jobforge_query_events($1::jsonb, $2) as r',
      [JSON.stringify(q), tenant],
    );
    return { events: rows[0]!.r.events, nextBefore: rows[0]!.r.next_before };
  } catch (error) {
    throw toQueueError(error, 'jobforge_query_events');
  }
}
