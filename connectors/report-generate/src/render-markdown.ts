import type { Row } from './input-schema.js';

/** A Markdown report: the title, a row count and a GFM table; cells are escaped so no row breaks it. */
export function renderMarkdown(
  title: string,
  columns: readonly string[],
  rows: readonly Row[],
): string {
  const header = `| ${columns.map(cell).join(' | ')} |`;
  const rule = `| ${columns.map(() => '---').join(' | ')} |`;
  const body = rows.map((row) => `| ${columns.map((c) => cell(row[c] ?? null)).join(' | ')} |`);
  const count = `${rows.length} row${rows.length === 1 ? '' : 's'}.`;
  return [`# ${inline(title)}`, '', count, '', header, rule, ...body, ''].join('\n');
}

function cell(value: string | number | boolean | null): string {
  return value === null ? '' : inline(String(value));
}

/** One line of Markdown text: line breaks become <br>, and HTML/Markdown markup is escaped. */
function inline(text: string): string {
  return text
    .replace(/[\\`*_[\]<>#|]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : `\\${c}`))
    .replace(/\r\n|\r|\n/g, '<br>');
}
