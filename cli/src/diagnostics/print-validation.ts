import type { ValidationResult } from '@jobforge/toolkit';
import { EXIT } from '../exit-codes.js';
import { formatGithub } from './format-github.js';
import { formatPretty } from './format-pretty.js';

export interface PrintOptions {
  format: 'pretty' | 'json' | 'github';
  strict: boolean;
}

/** Prints a validation result in the chosen format and returns the exit code. */
export function printValidation(result: ValidationResult, options: PrintOptions): number {
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = result.diagnostics.length - errors;
  const failed = errors > 0 || (options.strict && warnings > 0);
  if (options.format === 'json') {
    const body = {
      ok: !failed,
      summary: { connectors: result.connectors.length, errors, warnings },
      connectors: result.connectors.map((c) => ({
        file: c.file,
        id: c.metadata?.connector_id ?? null,
        version: c.metadata?.version ?? null,
        valid: c.valid,
      })),
      diagnostics: result.diagnostics,
    };
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  } else if (options.format === 'github') {
    process.stdout.write(formatGithub(result.diagnostics));
  } else {
    const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
    process.stdout.write(formatPretty(result, { color, cwd: process.cwd() }));
  }
  // A path that does not exist is a usage mistake, not a failed check.
  if (result.diagnostics.some((d) => d.code === 'PATH_NOT_FOUND')) return EXIT.usage;
  return failed ? EXIT.failed : EXIT.ok;
}
