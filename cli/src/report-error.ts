import { isJobForgeError } from '@jobforge/sdk/errors';
import { EXIT, exitCodeFor } from './exit-codes.js';

/**
 * Prints an error the way a user can act on it and returns the exit code. A JobForgeError is a
 * user's mistake or a failed check: code, message, where and hint, no stack. Anything else is a
 * bug in JobForge: the stack is printed so it can be reported.
 */
export function reportError(error: unknown, json: boolean): number {
  const code = exitCodeFor(error);
  if (json) {
    const body = isJobForgeError(error)
      ? {
          code: error.code,
          message: error.message,
          ...(error.where ? { where: error.where } : {}),
          ...(error.hint ? { hint: error.hint } : {}),
        }
      : { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
    process.stdout.write(`${JSON.stringify({ ok: false, error: body }, null, 2)}\n`);
    if (code === EXIT.internal && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return code;
  }
  if (isJobForgeError(error)) {
    let text = `jobforge: ${error.message} [${error.code}]\n`;
    if (error.where) text += `  where: ${error.where}\n`;
    if (error.hint) text += `  fix:   ${error.hint}\n`;
    process.stderr.write(text);
    return code;
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(
    `jobforge: internal error (a bug in JobForge; please report it with this output)\n${stack}\n`,
  );
  return EXIT.internal;
}
