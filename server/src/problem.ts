import { isConnectionError } from '@jobforge/queue';
import { isJobForgeError } from '@jobforge/sdk';

/** An RFC 9457 problem document with the stable code the CLI prints for the same condition. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  instance?: string;
  request_id?: string;
  where?: string;
  hint?: string;
  problems?: { path: string; message: string }[];
}

/** HTTP statuses of the codes a request can fail with; any other JobForgeError code is a 400. */
const STATUS_OF_CODE: Record<string, number> = {
  API_KEY_MISSING: 401,
  API_KEY_INVALID: 401,
  API_KEY_REVOKED: 401,
  WEBHOOK_SIGNATURE_INVALID: 401,
  TENANT_FORBIDDEN: 403,
  POLICY_DENIED: 403,
  ROUTE_NOT_FOUND: 404,
  JOB_NOT_FOUND: 404,
  RUN_NOT_FOUND: 404,
  TRIGGER_NOT_FOUND: 404,
  ARTIFACT_NOT_FOUND: 404,
  ARTIFACT_MISSING: 404,
  FEATURE_DISABLED: 404,
  WEBHOOK_SOURCE_UNKNOWN: 404,
  METHOD_NOT_ALLOWED: 405,
  JOB_STATE_CONFLICT: 409,
  ARTIFACT_ALTERED: 409,
  BODY_TOO_LARGE: 413,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  DATABASE_UNREACHABLE: 503,
  QUEUE_NOT_MIGRATED: 503,
  REQUEST_TIMEOUT: 503,
  SHUTTING_DOWN: 503,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function statusOfCode(code: string): number {
  return STATUS_OF_CODE[code] ?? 400;
}

/**
 * A problem for a code. `type` is a stable URI per code, so clients can match on either.
 *
 * @example
 * problem('JOB_NOT_FOUND', 'no job 42 for this key\'s tenant')
 */
export function problem(
  code: string,
  detail: string,
  extra: Partial<Omit<Problem, 'code' | 'detail'>> = {},
): Problem {
  const status = extra.status ?? statusOfCode(code);
  return {
    type: `urn:jobforge:problem:${code.toLowerCase().replaceAll('_', '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    detail,
    ...extra,
  };
}

/** Any thrown value as a problem: coded errors keep their code; the rest are 503 or 500. */
export function problemFromError(error: unknown): Problem {
  if (isConnectionError(error) || /timeout exceeded when trying to connect/i.test(String(error))) {
    return problem('DATABASE_UNREACHABLE', 'the database cannot be reached; try again shortly');
  }
  if ((error as { code?: unknown })?.code === '57014') {
    return problem('REQUEST_TIMEOUT', 'the database statement took too long and was canceled');
  }
  if (isJobForgeError(error)) {
    return problem(error.code, error.message, {
      ...(error.where ? { where: error.where } : {}),
      ...(error.hint ? { hint: error.hint } : {}),
    });
  }
  return problem('INTERNAL', 'an internal error occurred; the server log has the details');
}
