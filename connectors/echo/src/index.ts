import { defineConnector, parsePayload } from '@jobforge/sdk';
import { z } from 'zod';

/** What `echo.say` accepts; `jobforge validate` checks metadata.json's input_schema against it. */
export const inputSchema = z.strictObject({
  message: z.string().min(1).max(10_000),
  uppercase: z.boolean().optional(),
});

export type EchoInput = z.infer<typeof inputSchema>;
export interface EchoOutput {
  message: string;
  length: number;
}

export default defineConnector<EchoInput, EchoOutput>(async ({ input, context }) => {
  const parsed = parsePayload(inputSchema, input.payload);
  if (!parsed.ok) return parsed;
  const { message, uppercase = false } = parsed.data;
  const echoed = uppercase ? message.toUpperCase() : message;
  context.logger.info('echoed', { length: echoed.length });
  return {
    ok: true,
    data: { message: echoed, length: echoed.length },
    evidence: { transformed: uppercase },
  };
});
