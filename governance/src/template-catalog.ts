import type { QueueDriver } from '@jobforge/queue';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { newAjv } from './_ajv.js';
import { type Issue, toIssues } from './issues.js';
import type { JobTemplate } from './template-file.js';

/** A template as the database holds it: a version is always set. */
export interface StoredTemplate extends Required<Omit<JobTemplate, 'description'>> {
  description: string;
  enabled: boolean;
}

export interface TemplateCatalog {
  /** The newest enabled version of a type, or undefined when the type has none. */
  get(type: string): Promise<StoredTemplate | undefined>;
  /** Validates (and fills defaults into a copy of) a payload; every problem with its pointer. */
  apply(template: StoredTemplate, payload: unknown): { payload: unknown; issues: Issue[] };
  /** Forget the loaded templates (after add or disable). */
  invalidate(): void;
}

/**
 * Templates loaded once and refreshed every `ttlMs` (default 5 s), each payload schema compiled
 * once per type@version: enqueue pays a lookup and a validation, not a query or a compile.
 */
export function createTemplateCatalog(
  driver: QueueDriver,
  options: { ttlMs?: number } = {},
): TemplateCatalog {
  const ttl = options.ttlMs ?? 5_000;
  let loaded: { at: number; byType: Promise<Map<string, StoredTemplate>> } | undefined;
  const validators = new Map<string, { validate: ValidateFunction; deep: boolean }>();
  const ajv = newAjv({ useDefaults: true });

  async function load(): Promise<Map<string, StoredTemplate>> {
    const rows = await driver.query<StoredTemplate>(
      `select distinct on (type) type, version, payload_schema, defaults, effect, scopes,
         description, enabled
       from jobforge.jobforge_job_templates where enabled order by type, version desc`,
    );
    return new Map(rows.map((row) => [row.type, row]));
  }

  return {
    async get(type) {
      if (!loaded || Date.now() - loaded.at > ttl) {
        const byType = load();
        loaded = { at: Date.now(), byType };
        byType.catch(() => {
          loaded = undefined;
        });
      }
      return (await loaded.byType).get(type);
    },
    apply(template, payload) {
      const key = `${template.type}@${template.version}`;
      let compiled = validators.get(key);
      if (!compiled) {
        compiled = {
          validate: ajv.compile(template.payload_schema),
          deep: defaultsBelowTop(template.payload_schema),
        };
        validators.set(key, compiled);
      }
      const { validate } = compiled;
      // A copy: ajv writes schema defaults into the value it checks, and the caller's object is
      // theirs. Defaults only on top-level properties touch only the top-level copy, so a shallow
      // one does (the common case, and a deep clone of every payload of a batch is not free).
      const isObject = typeof payload === 'object' && payload !== null && !Array.isArray(payload);
      const copy = isObject
        ? { ...template.defaults, ...(compiled.deep ? structuredClone(payload) : payload) }
        : structuredClone(payload);
      if (validate(copy)) return { payload: copy, issues: [] };
      return { payload: copy, issues: toIssues('PAYLOAD_INVALID', validate.errors) };
    },
    invalidate() {
      loaded = undefined;
    },
  };
}

/**
 * True when the schema has a `default` anywhere but directly on a top-level property
 * (`/properties/<name>/default`): ajv would then write into nested values of the payload.
 */
function defaultsBelowTop(schema: unknown): boolean {
  const walk = (node: unknown, path: string[]): boolean => {
    if (typeof node !== 'object' || node === null) return false;
    if (Array.isArray(node)) return node.some((item, i) => walk(item, [...path, String(i)]));
    for (const [key, value] of Object.entries(node)) {
      if (key === 'default' && !(path.length === 2 && path[0] === 'properties')) return true;
      if (walk(value, [...path, key])) return true;
    }
    return false;
  };
  return walk(schema, []);
}
