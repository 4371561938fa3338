import type { QueueDriver } from '@jobforge/queue';
import { toQueueError } from '@jobforge/queue';
import type { StoredTemplate } from './template-catalog.js';
import type { JobTemplate } from './template-file.js';

/** Installs templates (a new version each; the same content again changes nothing). */
export async function addTemplates(
  driver: QueueDriver,
  templates: JobTemplate[],
  options: { actor: string; audit: boolean },
): Promise<{ type: string; version: number; created: boolean }[]> {
  const out = [];
  for (const template of templates) {
    const rows = await run(
      driver,
      'jobforge_template_put',
      'select jobforge.jobforge_template_put($1::jsonb, $2, $3) as r',
      [JSON.stringify(template), options.actor, options.audit],
    );
    out.push(rows as { type: string; version: number; created: boolean });
  }
  return out;
}

/** Every version of every template (or of one type), newest first. */
export async function listTemplates(driver: QueueDriver, type?: string): Promise<StoredTemplate[]> {
  return driver.query<StoredTemplate>(
    `select type, version, payload_schema, defaults, effect, scopes, description, enabled
     from jobforge.jobforge_job_templates where ($1::text is null or type = $1)
     order by type, version desc`,
    [type ?? null],
  );
}

/** Disables every version of a type; returns how many were enabled. */
export async function disableTemplate(
  driver: QueueDriver,
  type: string,
  options: { actor: string; audit: boolean },
): Promise<number> {
  return run(
    driver,
    'jobforge_template_disable',
    'select jobforge.jobforge_template_disable($1, $2, $3) as r',
    [type, options.actor, options.audit],
  ) as Promise<number>;
}

async function run(
  driver: QueueDriver,
  fn: string,
  sql: string,
  params: unknown[],
): Promise<unknown> {
  try {
    return (await driver.query<{ r: unknown }>(sql, params))[0]!.r;
  } catch (error) {
    throw toQueueError(error, fn);
  }
}
