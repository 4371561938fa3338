/**
 * The error the queue throws for a condition a caller can act on. The queue imports nothing but its
 * drivers, so this mirrors the sdk's JobForgeError shape (`name`, stable `code`, `where`, `hint`):
 * the CLI's `isJobForgeError` recognises it and prints it without a stack.
 *
 * @example
 * throw new QueueError('PAYLOAD_TOO_LARGE', 'the payload is 300000 bytes; the limit is 262144');
 */
export class QueueError extends Error {
  override readonly name = 'JobForgeError';
  readonly code: string;
  readonly where: string | undefined;
  readonly hint: string | undefined;

  constructor(
    code: string,
    message: string,
    options: { where?: string; hint?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.where = options.where;
    this.hint = options.hint;
  }
}

/** SQLSTATEs raised by the queue's SQL functions, and the stable codes they become. */
const SQLSTATE_CODES: Record<string, string> = {
  JF001: 'PAYLOAD_TOO_LARGE',
  JF002: 'TENANT_FORBIDDEN',
  JF003: 'INVALID_TENANT',
  JF004: 'INVALID_JOB',
  JFE01: 'INVALID_EVENT',
  JFE02: 'EVENT_TOO_LARGE',
  JFT01: 'INVALID_TRIGGER',
  JFT02: 'TEMPLATE_FIELD_MISSING',
  '22P02': 'INVALID_JOB',
  '22007': 'INVALID_JOB',
  '22008': 'INVALID_JOB',
  '22003': 'INVALID_JOB',
  '23514': 'INVALID_JOB',
  '23502': 'INVALID_JOB',
  '42883': 'QUEUE_NOT_MIGRATED',
  '42P01': 'QUEUE_NOT_MIGRATED',
};

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE']);

/** True when the error means the database could not be reached (retry later), not a bad request. */
export function isConnectionError(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | undefined;
  if (!e) return false;
  if (typeof e.code === 'string' && (CONNECTION_CODES.has(e.code) || /^(08|57P)/.test(e.code)))
    return true;
  return (
    typeof e.message === 'string' &&
    /Connection terminated|connection.*(closed|ended)|Client has encountered a connection error/i.test(
      e.message,
    )
  );
}

/** Turns a database error from a queue function into a QueueError with a stable code. */
export function toQueueError(error: unknown, where: string): unknown {
  const e = error as { code?: unknown; message?: string; hint?: string } | undefined;
  if (!e || typeof e.code !== 'string') return error;
  const code = SQLSTATE_CODES[e.code];
  if (!code) return error;
  return new QueueError(code, e.message ?? String(error), {
    where,
    cause: error,
    ...(code === 'QUEUE_NOT_MIGRATED'
      ? { hint: 'run `jobforge db migrate` against this database first' }
      : e.hint
        ? { hint: e.hint }
        : {}),
  });
}
