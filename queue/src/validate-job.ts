import { QueueError } from './queue-error.js';

/** The largest payload, in bytes of JSON text; the SQL functions enforce the same limit. */
export const MAX_PAYLOAD_BYTES = 262_144;

/** The deepest nesting of arrays and objects a payload may have (PostgreSQL's jsonb parser recurses). */
export const MAX_PAYLOAD_DEPTH = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A project id is a UUID, as a tenant id is (INVALID_PROJECT otherwise). */
export function assertProjectId(value: unknown, where: string): string {
  if (typeof value !== 'string' || !UUID.test(value)) {
    throw new QueueError(
      'INVALID_PROJECT',
      `the project id must be a UUID, got ${describe(value)}`,
      {
        where,
        hint: 'projects are identified by UUIDs, as tenants are',
      },
    );
  }
  return value;
}

export function assertTenantId(value: unknown, where: string): string {
  if (typeof value !== 'string' || !UUID.test(value)) {
    throw new QueueError('INVALID_TENANT', `the tenant id must be a UUID, got ${describe(value)}`, {
      where,
      hint: 'tenants are identified by UUIDs such as 3f2b8c4e-1d2a-4b7c-9e0f-5a6b7c8d9e0f',
    });
  }
  return value;
}

export function assertJobId(value: unknown, where: string): string {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^[1-9]\d{0,18}$/.test(text)) {
    throw new QueueError(
      'INVALID_JOB_ID',
      `a job id is a positive integer, got ${describe(value)}`,
      {
        where,
      },
    );
  }
  return text;
}

export function assertJobType(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
    throw new QueueError(
      'INVALID_JOB',
      `the job type must be 1-200 characters, got ${describe(value)}`,
      {
        where,
      },
    );
  }
  return value;
}

/**
 * Serializes a payload, refusing what JSON cannot hold faithfully (undefined, functions, symbols,
 * BigInt, NaN, Infinity, cycles) and anything over the size limit.
 */
export function payloadJson(
  value: unknown,
  where: string | (() => string),
  limit = MAX_PAYLOAD_BYTES,
): string {
  const problem = findNonJson(value, '$', new Set());
  if (problem) {
    throw new QueueError('PAYLOAD_NOT_JSON', `the payload is not JSON: ${problem}`, {
      where: typeof where === 'string' ? where : where(),
      hint: 'send plain objects, arrays, strings, finite numbers, booleans and null',
    });
  }
  const text = JSON.stringify(value);
  // A UTF-8 byte is at most 3 per UTF-16 unit: count bytes only when the text could be too long.
  const bytes = text.length * 3 > limit ? Buffer.byteLength(text) : text.length;
  if (bytes > limit) {
    throw new QueueError(
      'PAYLOAD_TOO_LARGE',
      `the payload is ${bytes} bytes of JSON; the limit is ${limit} bytes`,
      {
        where: typeof where === 'string' ? where : where(),
        hint: 'store large data elsewhere and enqueue a reference to it',
      },
    );
  }
  return text;
}

function findNonJson(
  value: unknown,
  path: string,
  seen: Set<object>,
  depth = 0,
): string | undefined {
  switch (typeof value) {
    case 'string':
      // PostgreSQL's text and jsonb cannot hold U+0000.
      return value.includes('\u0000') ? `${path} contains a NUL character (U+0000)` : undefined;
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${path} is ${value}`;
    case 'object': {
      if (value === null) return undefined;
      if (seen.has(value)) return `${path} refers back to itself`;
      if (depth >= MAX_PAYLOAD_DEPTH)
        return `${path} is nested deeper than ${MAX_PAYLOAD_DEPTH} arrays and objects`;
      const proto = Object.getPrototypeOf(value);
      if (!Array.isArray(value) && proto !== Object.prototype && proto !== null)
        return `${path} is a ${proto?.constructor?.name ?? 'class instance'}, not a plain object`;
      seen.add(value);
      for (const [key, child] of Object.entries(value)) {
        const at = Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`;
        if (key.includes('\u0000')) return `a key in ${path} contains a NUL character (U+0000)`;
        const found = findNonJson(child, at, seen, depth + 1);
        if (found) return found;
      }
      seen.delete(value);
      return undefined;
    }
    default:
      return `${path} is ${typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`}`;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  return typeof value === 'object' ? (value === null ? 'null' : 'an object') : String(value);
}

const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/**
 * An ISO timestamp from a Date or an ISO 8601 string (`2030-01-31`, `2030-01-31T12:00:00Z`), years
 * 1000-9999. Refuses what `new Date` would silently bend: `1` (year 2001), `2030-02-30` (March 2),
 * and years PostgreSQL and JavaScript disagree on.
 */
export function isoTime(value: Date | string, where: string): string {
  const refuse = (why: string) =>
    new QueueError('INVALID_TIME', `${describe(value)} ${why}`, {
      where,
      hint: 'use ISO 8601 with a year from 1000 to 9999, e.g. 2030-01-31T12:00:00Z',
    });
  let date: Date;
  if (value instanceof Date) {
    date = value;
  } else if (typeof value === 'string') {
    const m = ISO_TIME.exec(value.trim());
    if (!m) throw refuse('is not an ISO 8601 date and time');
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
    const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate();
    const leapFix = month === 2 && day === 29 && !isLeapYear(year);
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth || leapFix)
      throw refuse(`names no such day`);
    if (hour > 23 || minute > 59 || second > 59) throw refuse('names no such time of day');
    date = new Date(value.trim());
  } else {
    throw refuse('is not a date and time');
  }
  if (Number.isNaN(date.getTime())) throw refuse('is not a date and time');
  const year = date.getUTCFullYear();
  if (year < 1000 || year > 9999) throw refuse('is outside the years 1000 to 9999');
  return date.toISOString();
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
