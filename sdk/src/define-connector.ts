import type { ConnectorFn, JsonValue } from './types.js';

/**
 * Identity helper that types a connector function, so its params and result are inferred.
 *
 * @example
 * export default defineConnector<{ message: string }, { echoed: string }>(async ({ input }) => ({
 *   ok: true,
 *   data: { echoed: input.payload.message },
 * }));
 */
export function defineConnector<P = JsonValue, D = JsonValue>(
  fn: ConnectorFn<P, D>,
): ConnectorFn<P, D> {
  return fn;
}
