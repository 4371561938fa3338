import type { StoredEvent } from '@jobforge/queue';
import { formatTable } from './format-table.js';

/** Events as a table, newest first, with the cursor of the next page when there is one. */
export function formatEvents(events: StoredEvent[], nextBefore: string | null): string {
  if (events.length === 0) return 'no events';
  const table = formatTable(
    ['seq', 'type', 'source/id', 'subject', 'time', 'dup'],
    events.map((e) => [
      e.seq,
      e.type,
      `${e.source}/${e.id}`,
      e.subject ?? '',
      e.time,
      String(e.duplicates),
    ]),
  );
  return nextBefore ? `${table}\nmore: --before ${nextBefore}` : table;
}
