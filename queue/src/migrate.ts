import type { QueueDriver } from './driver.js';
import { type Migration, readMigrations } from './migrations.js';

export interface MigrateResult {
  /** Migrations this run applied. */
  applied: string[];
  /** Migrations found applied already. */
  present: string[];
  /** Migrations another `migrate` running at the same time applied first. */
  concurrent: string[];
}

/** The schema every JobForge object lives in (migration 0003 says why). */
export const QUEUE_SCHEMA = 'jobforge';

// A database migrated before 0003 keeps its migrations table in `public`: adopt it, so the record
// of what was applied moves with the objects.
const BOOTSTRAP = `create schema if not exists jobforge;
do $$ begin
  if to_regclass('public.jobforge_migrations') is not null
     and to_regclass('jobforge.jobforge_migrations') is null then
    alter table public.jobforge_migrations set schema jobforge;
  end if;
end $$;
create table if not exists jobforge.jobforge_migrations (
  id integer primary key, name text not null, applied_at timestamptz not null default now())`;

// Each file runs with JobForge's schema first, so its unqualified names land there, and nothing
// from `public` can shadow what it refers to. The files set the same path themselves (for psql).
const FILE_PREAMBLE = 'set local search_path = jobforge, pg_catalog;\n';

/**
 * Applies the migrations not yet recorded, each in its own transaction. Each file inserts its own
 * row into jobforge_migrations first, so a second run at the same time blocks on that row and then
 * fails with a unique violation: it is reported under `concurrent`, never applied twice.
 *
 * @example
 * const { applied } = await migrate(driver);
 */
export async function migrate(
  driver: QueueDriver,
  migrations?: Migration[],
): Promise<MigrateResult> {
  const all = migrations ?? (await readMigrations());
  await bootstrap(driver);
  const result: MigrateResult = { applied: [], present: [], concurrent: [] };
  const done = new Set(
    (await driver.query<{ id: number }>('select id from jobforge.jobforge_migrations')).map(
      (r) => r.id,
    ),
  );
  for (const migration of all) {
    if (done.has(migration.id)) {
      result.present.push(migration.name);
      continue;
    }
    try {
      await driver.runScript(FILE_PREAMBLE + migration.sql);
      result.applied.push(migration.name);
    } catch (error) {
      if (!isMigrationRowConflict(error)) throw error;
      result.concurrent.push(migration.name);
    }
  }
  return result;
}

async function bootstrap(driver: QueueDriver): Promise<void> {
  for (let tries = 0; ; tries++) {
    try {
      await driver.runScript(BOOTSTRAP);
      return;
    } catch (error) {
      // Two bootstraps at once: one loses on a catalog unique index (23505), or finds the schema,
      // the table's row type or the table itself just created (42P06, 42710, 42P07). Try again.
      const code = (error as { code?: string }).code;
      if (tries > 2 || !['23505', '42P06', '42710', '42P07'].includes(code ?? '')) throw error;
    }
  }
}

function isMigrationRowConflict(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string; message?: string };
  return (
    e.code === '23505' &&
    (e.constraint === 'jobforge_migrations_pkey' ||
      /jobforge_migrations_pkey/.test(e.message ?? ''))
  );
}
