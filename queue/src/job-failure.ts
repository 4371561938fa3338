/**
 * Thrown by a handler to fail a job with a stable code, say whether a retry can help, and attach
 * evidence. Any other thrown error fails the job as retryable with code HANDLER_ERROR.
 *
 * @example
 * throw new JobFailure('UPSTREAM_4XX', 'the API refused the request', { retryable: false });
 */
export class JobFailure extends Error {
  override readonly name = 'JobFailure';
  readonly code: string;
  readonly retryable: boolean;
  readonly retryInMs: number | undefined;
  readonly evidence: unknown;

  constructor(
    code: string,
    message: string,
    options: { retryable?: boolean; retryInMs?: number; evidence?: unknown; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? true;
    this.retryInMs = options.retryInMs;
    this.evidence = options.evidence;
  }
}
