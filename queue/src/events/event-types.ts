/** An event as submitted: the CloudEvents 1.0 attributes JobForge keeps, plus its own. */
export interface EventInput {
  /** Unique per source: the same (source, id) again is a duplicate, answered with the first. */
  id: string;
  /** Who emitted it, e.g. `https://billing.example.test` or `app/tickets`. */
  source: string;
  /** Reverse-DNS style: two or more dot-separated segments, e.g. `invoice.paid`. */
  type: string;
  subject?: string;
  /** When it happened (default: when it was received). */
  time?: Date | string;
  /** Default `application/json`. */
  datacontenttype?: string;
  /** JSON, at most MAX_PAYLOAD_BYTES bytes of it. */
  data?: unknown;
  projectId?: string;
  traceId?: string;
}

/** An event as stored; `seq` is its position in arrival order (a bigint, as a string). */
export interface StoredEvent {
  specversion: '1.0';
  seq: string;
  id: string;
  source: string;
  type: string;
  subject: string | null;
  time: string;
  datacontenttype: string;
  data: unknown;
  tenant_id: string;
  project_id: string | null;
  trace_id: string | null;
  received_at: string;
  /** How many duplicates of this event came after it. */
  duplicates: number;
}

export interface EventQuery {
  /** An exact type, or a prefix ending in `.*` (`invoice.*` matches `invoice.paid`, `invoice.x.y`). */
  type?: string;
  subject?: string;
  /** On the event's `time`: since is inclusive, until exclusive. */
  since?: Date | string;
  until?: Date | string;
  /** The `nextBefore` of the previous page. */
  before?: string;
  /** 1..1000, default 50. */
  limit?: number;
}

export interface EventPage {
  /** Newest first (by arrival). */
  events: StoredEvent[];
  /** Pass as `before` for the next page; null on the last page. */
  nextBefore: string | null;
}
