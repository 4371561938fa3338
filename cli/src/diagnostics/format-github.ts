import type { Diagnostic } from '@jobforge/toolkit';

/** GitHub Actions workflow commands: one `::error`/`::warning` annotation per diagnostic. */
export function formatGithub(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .map(
      (d) =>
        `::${d.severity} file=${property(d.file)},line=${d.line},col=${d.column},title=${property(d.code)}::${data(d.message)}\n`,
    )
    .join('');
}

// Escaping as the Actions toolkit does it (`@actions/core` command.ts).
function data(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function property(text: string): string {
  return data(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
