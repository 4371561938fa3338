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
  '23514': 'INVALID_JOB',
  '23502': 'INVALID_JOB',
  '42883': 'QUEUE_NOT_MIGRATED',
  '42P01': 'QUEUE_NOT_MIGRATED',
  '3F000': 'QUEUE_NOT_MIGRATED',
  '3D000': 'DATABASE_NOT_FOUND',
  '42501': 'PERMISSION_DENIED',
  '54001': 'INVALID_JOB',
};

/**
 * Whole SQLSTATE classes a user's mistake can cause: a wrong user or password (28), and data the
 * server refused (22: bad text encoding, a NUL character, a number or date out of range).
 */
const SQLSTATE_CLASSES: Record<string, string> = {
  '28': 'DATABASE_AUTH_FAILED',
  '22': 'INVALID_JOB',
};

const HINTS: Record<string, string> = {
  QUEUE_NOT_MIGRATED: 'run `jobforge db migrate` against this database first',
  DATABASE_AUTH_FAILED:
    'check the user and password in DATABASE_URL (or --database-url), and pg_hba.conf on the server',
  DATABASE_NOT_FOUND: 'create the database (createdb NAME) or fix its name in DATABASE_URL',
  PERMISSION_DENIED:
    'run `jobforge db migrate` as the database owner; applications need the jobforge_app or jobforge_worker role',
  INVALID_JOB: 'check the job: payload, options and times as the message names them',
};

/** The stable code for a PostgreSQL error a user can cause, or undefined for anything else. */
export function codeForSqlState(state: unknown): string | undefined {
  if (typeof state !== 'string' || state.length !== 5) return undefined;
  return SQLSTATE_CODES[state] ?? SQLSTATE_CLASSES[state.slice(0, 2)];
}

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

/** Turns a database error from a queue function into a QueueError with a stable code and a hint. */
export function toQueueError(error: unknown, where: string): unknown {
  if (error instanceof QueueError) return error;
  const e = error as { code?: unknown; message?: string; hint?: string } | undefined;
  const code = codeForSqlState(e?.code);
  if (!code) return error;
  const hint =
    code === 'INVALID_JOB' || code === 'PAYLOAD_TOO_LARGE'
      ? (e?.hint ?? HINTS[code])
      : (HINTS[code] ?? e?.hint);
  return new QueueError(
    code,
    String(e?.code).startsWith('JF')
      ? (e?.message ?? String(error))
      : `${e?.message ?? String(error)} (SQLSTATE ${String(e?.code)})`,
    {
      where,
      cause: error,
      ...(hint ? { hint } : {}),
    },
  );
}
