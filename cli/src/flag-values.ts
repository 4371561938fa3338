import { JobForgeError } from '@jobforge/sdk';

/**
 * An integer flag's value in [min, max], or undefined when the flag was not given. The flag is
 * declared `type: 'string'`, so yargs cannot turn `abc` into NaN or `1.5` into 1.5, and out-of-range
 * values are refused, never clamped. Called in the handler: yargs turns an error thrown by `coerce`
 * into a plain YError, losing its code.
 *
 * @example
 * const limit = intFlag(args.limit, '--limit', 1, 1000);
 */
export function intFlag(raw: unknown, flag: string, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const text = String(Array.isArray(raw) ? raw.at(-1) : raw).trim();
  const value = /^[+-]?\d{1,16}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new JobForgeError(
      'INVALID_FLAG',
      `${flag} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text.slice(0, 40))}`,
      { where: flag, hint: `pass a whole number from ${min} to ${max}` },
    );
  }
  return value;
}
