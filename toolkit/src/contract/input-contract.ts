import { z } from 'zod';
import { connectorSchemaValidator } from './connector-schema.js';
import { generateInvalidInputs } from './invalid-inputs.js';

/** What the entry exports as `inputSchema`: anything with zod's `safeParse`. */
export interface ZodLike {
  safeParse(value: unknown): { success: boolean; error?: { issues?: { message?: string }[] } };
}

export function isZodLike(value: unknown): value is ZodLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { safeParse?: unknown }).safeParse === 'function'
  );
}

export interface InputContractResult {
  failures: string[];
  /** Generated inputs, and how many both schemas rejected. */
  generated: number;
  rejected: number;
  /** Why the check could not run, when it could not. */
  skipped?: string;
}

/**
 * Derives invalid inputs from `input_schema` and from the zod schema's own JSON Schema (each one
 * mutation away from a golden input both accept, so a bound only the code has is probed too) and
 * requires input_schema and the code's zod `inputSchema` to give the same verdict on
 * each: what zod rejects, the published schema must reject too, and the other way round.
 */
export function checkInputContract(
  inputSchema: Record<string, unknown>,
  zod: ZodLike,
  goldenInputs: readonly unknown[],
): InputContractResult {
  const validate = connectorSchemaValidator(inputSchema);
  const base = goldenInputs.find((input) => validate(input) && zod.safeParse(input).success);
  if (base === undefined)
    return {
      failures: [],
      generated: 0,
      rejected: 0,
      skipped: 'no golden case has an input both input_schema and inputSchema accept',
    };
  const failures: string[] = [];
  const generated = [
    ...generateInvalidInputs(inputSchema, base),
    ...generateInvalidInputs(zodJsonSchema(zod), base),
  ].filter((item, i, all) => all.findIndex((other) => same(other.input, item.input)) === i);
  let rejected = 0;
  for (const { what, input } of generated) {
    const byJson = !validate(input);
    const parsed = zod.safeParse(input);
    const byZod = !parsed.success;
    if (byJson && byZod) rejected++;
    else if (byZod)
      failures.push(
        `contract: input_schema accepts ${what} (${preview(input)}), which the code's inputSchema rejects (${parsed.error?.issues?.[0]?.message ?? 'invalid'}); tighten metadata.json's input_schema`,
      );
    else if (byJson)
      failures.push(
        `contract: input_schema rejects ${what} (${preview(input)}), which the code's inputSchema accepts; make the zod schema as strict as the published one`,
      );
  }
  return { failures, generated: generated.length, rejected };
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function zodJsonSchema(zod: ZodLike): Record<string, unknown> {
  try {
    return z.toJSONSchema(zod as unknown as z.ZodType, { io: 'input', unrepresentable: 'any' });
  } catch {
    return {};
  }
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
