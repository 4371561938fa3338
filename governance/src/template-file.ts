import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { JobForgeError } from '@jobforge/sdk';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { newAjv } from './_ajv.js';
import { formatIssues, type Issue, toIssues } from './issues.js';

/** A job template as stored: one version of one job type. */
export interface JobTemplate {
  type: string;
  version?: number;
  description?: string;
  effect: 'read' | 'write';
  scopes?: string[];
  payload_schema: Record<string, unknown>;
  defaults?: Record<string, unknown>;
}

const require = createRequire(import.meta.url);
let fileValidator: ValidateFunction | undefined;

/**
 * Checks a template file's content (one template or a pack): its shape against
 * template.schema.json, then that every payload schema compiles as JSON Schema 2020-12. Returns
 * the templates, or every problem as issues with JSON pointers.
 *
 * @example
 * const { templates, issues } = checkTemplateFile(JSON.parse(text));
 */
export function checkTemplateFile(value: unknown): { templates: JobTemplate[]; issues: Issue[] } {
  fileValidator ??= newAjv().compile(require('../schema/template.schema.json'));
  if (!fileValidator(value))
    return { templates: [], issues: toIssues('TEMPLATE_INVALID', fileValidator.errors) };
  const doc = value as { templates?: JobTemplate[] } & JobTemplate;
  const entries = doc.templates ?? [doc];
  const templates: JobTemplate[] = [];
  const issues: Issue[] = [];
  entries.forEach((entry, i) => {
    const { $schema: _ignored, ...template } = entry as JobTemplate & { $schema?: string };
    const base = doc.templates ? `/templates/${i}` : '';
    try {
      // strict: an unknown keyword or a malformed schema is refused, not silently ignored.
      newAjv().compile(template.payload_schema);
    } catch (error) {
      issues.push({
        code: 'TEMPLATE_INVALID',
        path: `${base}/payload_schema`,
        message: `payload_schema of ${template.type} is not valid JSON Schema: ${(error as Error).message}`,
      });
    }
    templates.push(template);
  });
  return { templates, issues };
}

/** Reads and checks a template file; throws TEMPLATE_INVALID listing every problem. */
export async function loadTemplateFile(path: string): Promise<JobTemplate[]> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new JobForgeError('TEMPLATE_INVALID', `${path} is not readable JSON`, {
      where: path,
      cause,
    });
  }
  const { templates, issues } = checkTemplateFile(value);
  if (issues.length > 0)
    throw new JobForgeError(
      'TEMPLATE_INVALID',
      `${path} is not a valid template file:\n${formatIssues(issues)}`,
      { where: path, hint: 'see docs/governance.md for the template format' },
    );
  return templates;
}
