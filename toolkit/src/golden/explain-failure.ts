/** A failure line for the runner: the message, diff lines indented under it, then the fix. */
export function explainFailure(error: Error & { hint?: string }): string {
  const message = error.message.replaceAll('\n', '\n  ');
  return `${message}${error.hint ? `\n      fix: ${error.hint}` : ''}`;
}
