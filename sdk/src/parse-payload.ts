import type { ConnectorError } from './types.js';

/** What `parsePayload` needs of a schema: zod's `safeParse`, typed structurally. */
export interface PayloadSchema<T> {
  safeParse(value: unknown):
    | { success: true; data: T }
    | {
        success: false;
        error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] };
      };
}

/**
 * Checks a connector's payload against its schema. On failure it answers the `INVALID_INPUT`
 * outcome a connector returns as is, naming the first problem's path (`payload.url: Invalid URL`).
 *
 * @example
 * const parsed = parsePayload(inputSchema, input.payload);
 * if (!parsed.ok) return parsed;
 * const { message } = parsed.data;
 */
export function parsePayload<T>(
  schema: PayloadSchema<T>,
  payload: unknown,
): { ok: true; data: T } | { ok: false; error: ConnectorError } {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return { ok: true, data: parsed.data };
  const problem = parsed.error.issues[0];
  const path = problem?.path.length ? `.${problem.path.map(String).join('.')}` : '';
  return {
    ok: false,
    error: {
      code: 'INVALID_INPUT',
      message: `payload${path}: ${problem?.message ?? 'invalid'}`,
      retryable: false,
    },
  };
}
