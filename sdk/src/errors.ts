/**
 * The one error class JobForge code throws for a condition a caller can act on. `code` is stable
 * (tools match on it); `where` names the file, path or field concerned; `hint` says what to do.
 *
 * @example
 * throw new JobForgeError('NOT_JSON', 'a BigInt cannot be represented in JSON', { where: '$.total' });
 */
export class JobForgeError extends Error {
  override readonly name = 'JobForgeError';
  readonly code: string;
  readonly where: string | undefined;
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: JobForgeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.where = options.where;
    this.hint = options.hint;
  }
}

export interface JobForgeErrorOptions {
  where?: string;
  hint?: string;
  cause?: unknown;
}

/** True for a JobForgeError, also one thrown by another copy of this package. */
export function isJobForgeError(value: unknown): value is JobForgeError {
  return (
    value instanceof JobForgeError ||
    (value instanceof Error &&
      value.name === 'JobForgeError' &&
      typeof (value as { code?: unknown }).code === 'string')
  );
}
