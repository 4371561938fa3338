import { DIAGNOSTIC_CODES, type DiagnosticCode, type Severity } from './diagnostic-codes.js';

/**
 * One problem found by validation, as data. `file` is the path as given to the validator; `pointer`
 * is an RFC 6901 JSON pointer into that file ("" for the whole document); `line` and `column` are
 * 1-based (column in UTF-16 code units) and point at the offending key or value.
 */
export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  file: string;
  pointer: string;
  line: number;
  column: number;
}

/** A diagnostic before it has a position: the validator fills in line and column from the pointer. */
export type Finding = Omit<Diagnostic, 'severity' | 'line' | 'column'> & {
  line?: number;
  column?: number;
};

/** Completes a finding with its code's severity; position defaults to the start of the file. */
export function toDiagnostic(finding: Finding): Diagnostic {
  return {
    code: finding.code,
    severity: DIAGNOSTIC_CODES[finding.code].severity,
    message: finding.message,
    file: finding.file,
    pointer: finding.pointer,
    line: finding.line ?? 1,
    column: finding.column ?? 1,
  };
}

/** RFC 6901 pointer of a path of keys and indexes. */
export function toPointer(path: readonly (string | number)[]): string {
  return path.map((part) => `/${String(part).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
