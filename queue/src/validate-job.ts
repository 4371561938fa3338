import { QueueError } from './queue-error.js';

/** The largest payload, in bytes of JSON text; the SQL functions enforce the same limit. */
export const MAX_PAYLOAD_BYTES = 262_144;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

function findNonJson(value: unknown, path: string, seen: Set<object>): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${path} is ${value}`;
    case 'object': {
      if (value === null) return undefined;
      if (seen.has(value)) return `${path} refers back to itself`;
      const proto = Object.getPrototypeOf(value);
      if (!Array.isArray(value) && proto !== Object.prototype && proto !== null)
        return `${path} is a ${proto?.constructor?.name ?? 'class instance'}, not a plain object`;
      seen.add(value);
      for (const [key, child] of Object.entries(value)) {
        const found = findNonJson(
          child,
          Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`,
          seen,
        );
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

/** An ISO timestamp from a Date or a date string, refusing what does not parse. */
export function isoTime(value: Date | string, where: string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new QueueError('INVALID_TIME', `${describe(value)} is not a date and time`, {
      where,
      hint: 'use ISO 8601, e.g. 2030-01-31T12:00:00Z',
    });
  }
  return date.toISOString();
}
