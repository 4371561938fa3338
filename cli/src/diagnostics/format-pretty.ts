import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Diagnostic, ValidationResult } from '@jobforge/toolkit';

export interface PrettyOptions {
  color: boolean;
  cwd: string;
}

/** Human output: each diagnostic with its position, code, message and a code frame of the line. */
export function formatPretty(result: ValidationResult, options: PrettyOptions): string {
  const paint = painter(options.color);
  const texts = new Map<string, string[] | undefined>();
  let out = '';
  for (const d of result.diagnostics) {
    const label = d.severity === 'error' ? paint.red('error') : paint.yellow('warning');
    // Messages quote values from the metadata: control characters must not reach the terminal.
    out += `${paint.bold(`${visible(d.file)}:${d.line}:${d.column}`)} ${label} ${paint.dim(d.code)}\n`;
    out += `  ${visible(d.message)}\n`;
    if (!texts.has(d.file)) texts.set(d.file, readLines(resolve(options.cwd, d.file)));
    const lines = texts.get(d.file);
    if (lines && (d.pointer !== '' || d.line > 1 || d.code.startsWith('JSON_')))
      out += frame(lines, d, paint);
    out += '\n';
  }
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = result.diagnostics.length - errors;
  const total = result.connectors.length;
  const invalid = result.connectors.filter((c) => !c.valid).length;
  const noun = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (errors === 0 && warnings === 0) out += paint.green(`✓ ${noun(total, 'connector')} valid\n`);
  else
    out += `${errors > 0 ? paint.red('✗') : paint.yellow('!')} ${noun(errors, 'error')}, ${noun(warnings, 'warning')}; ${invalid} of ${noun(total, 'connector')} invalid\n`;
  return out;
}

function frame(lines: string[], d: Diagnostic, paint: Painter): string {
  const first = Math.max(1, d.line - 2);
  const last = Math.min(lines.length, d.line + 1);
  const width = String(last).length;
  let out = '';
  for (let n = first; n <= last; n++) {
    const text = visible(lines[n - 1] ?? '');
    const gutter = `${String(n).padStart(width)} |`;
    out +=
      n === d.line ? `${paint.red('>')} ${gutter} ${text}\n` : `  ${paint.dim(gutter)} ${text}\n`;
    if (n === d.line)
      out += `  ${' '.repeat(width)} | ${' '.repeat(Math.max(0, Math.min(d.column - 1, text.length)))}${paint.red('^')}\n`;
  }
  return out;
}

/** Lines of a file worth framing: a regular file of sane size; anything else gets no frame. */
function readLines(path: string): string[] | undefined {
  try {
    const info = statSync(path);
    if (!info.isFile() || info.size > 1024 * 1024) return undefined;
    return readFileSync(path, 'utf8')
      .replace(/^\uFEFF/, '')
      .split('\n');
  } catch {
    return undefined;
  }
}

/** Control characters would corrupt the terminal; tabs become spaces so the caret lines up. */
function visible(line: string): string {
  const text = line.replace(/\t/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '�');
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

interface Painter {
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

function painter(color: boolean): Painter {
  const wrap = (open: number, close: number) => (s: string) =>
    color ? `\u001b[${open}m${s}\u001b[${close}m` : s;
  return {
    red: wrap(31, 39),
    yellow: wrap(33, 39),
    green: wrap(32, 39),
    bold: wrap(1, 22),
    dim: wrap(2, 22),
  };
}
