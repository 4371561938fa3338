import type { QueueDriver } from './driver.js';
import { type Migration, readMigrations } from './migrations.js';
import { toQueueError } from './queue-error.js';

export interface MigrateResult {
  /** Migrations this run applied. */
  applied: string[];
  /** Migrations found applied already. */
  present: string[];
  /** Migrations another `migrate` running at the same time applied first. */
  concurrent: string[];
}

const BOOTSTRAP = `create table if not exists jobforge_migrations (
  id integer primary key, name text not null, applied_at timestamptz not null default now())`;

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
  const result: MigrateResult = { applied: [], present: [], concurrent: [] };
  let done: Set<number>;
  try {
    await bootstrap(driver);
    done = new Set(
      (await driver.query<{ id: number }>('select id from jobforge_migrations')).map((r) => r.id),
    );
  } catch (error) {
    throw toQueueError(error, 'migrate');
  }
  for (const migration of all) {
    if (done.has(migration.id)) {
      result.present.push(migration.name);
      continue;
    }
    try {
      await driver.runScript(migration.sql);
      result.applied.push(migration.name);
    } catch (error) {
      // A role that may not create what a migration creates (42501) is the user's to fix.
      if (!isMigrationRowConflict(error)) throw toQueueError(error, `migration ${migration.name}`);
      result.concurrent.push(migration.name);
    }
  }
  return result;
}

async function bootstrap(driver: QueueDriver): Promise<void> {
  for (let tries = 0; ; tries++) {
    try {
      await driver.query(BOOTSTRAP);
      return;
    } catch (error) {
      // Two `create table if not exists` at once: one loses on a catalog unique index (23505), or
      // finds the table's row type just created (42710) or the table itself (42P07). Try again.
      const code = (error as { code?: string }).code;
      if (tries > 2 || !['23505', '42710', '42P07'].includes(code ?? '')) throw error;
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
