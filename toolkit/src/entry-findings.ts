import { relative } from 'node:path';
import type { EntryFacts } from './analyze-entries.js';
import type { ConnectorCheck } from './connector-check.js';
import type { Finding } from './diagnostic.js';

/** What the static analysis of the entry says about the connector contract. */
export function entryFindings(
  { folder, meta }: ConnectorCheck,
  path: string,
  facts: EntryFacts,
): Finding[] {
  const entry = String(meta.entry);
  const shown = relative(process.cwd(), path) || entry;
  if (facts.parseError) {
    const { message, line, column } = facts.parseError;
    return [
      {
        code: 'ENTRY_PARSE_ERROR',
        message: `entry ${shown} cannot be parsed at line ${line}, column ${column}: ${message}; fix the syntax error`,
        file: folder.file,
        pointer: '/entry',
      },
    ];
  }
  if (facts.defaultKind === 'none')
    return [
      {
        code: 'ENTRY_NO_DEFAULT_EXPORT',
        message: `entry ${shown} has no default export (it exports ${facts.exports.length ? facts.exports.join(', ') : 'nothing'}), expected the connector function; end it with \`export default defineConnector(async ({ input, context }) => { ... })\``,
        file: folder.file,
        pointer: '/entry',
      },
    ];
  if (facts.defaultKind === 'not-function')
    return [
      {
        code: 'ENTRY_DEFAULT_NOT_FUNCTION',
        message: `entry ${shown} default-exports something that is not a function, expected a ConnectorFn; wrap it: \`export default defineConnector(async (params) => ...)\``,
        file: folder.file,
        pointer: '/entry',
      },
    ];
  return [];
}
