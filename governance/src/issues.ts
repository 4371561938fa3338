import type { ErrorObject } from 'ajv';

/** One problem found in a payload or a template, at a JSON pointer. */
export interface Issue {
  code: string;
  /** JSON pointer into the checked value ('' is the whole value). */
  path: string;
  message: string;
}

/** Ajv's errors as issues; every one, in the order found. */
export function toIssues(code: string, errors: ErrorObject[] | null | undefined): Issue[] {
  return (errors ?? []).map((e) => {
    const extra =
      e.keyword === 'required'
        ? `/${(e.params as { missingProperty: string }).missingProperty}`
        : e.keyword === 'additionalProperties'
          ? `/${(e.params as { additionalProperty: string }).additionalProperty}`
          : '';
    return { code, path: `${e.instancePath}${extra}`, message: e.message ?? e.keyword };
  });
}

/** The issues as one readable block, each on its own line. */
export function formatIssues(issues: Issue[]): string {
  return issues.map((i) => `  ${i.path || '/'}: ${i.message}`).join('\n');
}
