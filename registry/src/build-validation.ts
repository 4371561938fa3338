/**
 * What `buildRegistry` needs from validation. The registry does not validate connectors itself (the
 * rules, ajv and the diagnostics live in `@jobforge/toolkit`); the caller passes a validator, and
 * `validateConnectors` from the toolkit fits this shape as it is.
 */
export interface BuildDiagnostic {
  code: string;
  severity: 'error' | 'warning' | 'info' | (string & {});
  message: string;
  file: string;
  pointer: string;
  line: number;
  column: number;
}

export interface BuildConnector {
  dir: string;
  file: string;
  metadata?: { connector_id: string; entry: string };
  valid: boolean;
}

export type BuildValidator = (
  paths: string[],
  options: { cwd: string; against: false },
) => Promise<{ connectors: BuildConnector[]; diagnostics: BuildDiagnostic[] }>;
