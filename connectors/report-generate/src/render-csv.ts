import type { Row } from './input-schema.js';

/**
 * RFC 4180 CSV: CRLF line ends, fields quoted when they hold a comma, quote, CR or LF. A text cell
 * starting with =, +, -, @, tab or CR gets a leading apostrophe so spreadsheets do not run it as a
 * formula (CSV injection); numbers are written as numbers.
 */
export function renderCsv(columns: readonly string[], rows: readonly Row[]): string {
  const lines = [columns.map(field).join(',')];
  for (const row of rows) lines.push(columns.map((c) => field(row[c] ?? null)).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

function field(value: string | number | boolean | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
