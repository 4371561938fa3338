import type { CheckResult } from './run-doctor.js';

/**
 * Connects to DATABASE_URL and reports whether tenants are safe there: the queue is migrated, its
 * functions run on the pinned search_path, and `public` is not writable by application roles.
 */
export async function checkDatabaseSafety(databaseUrl: string): Promise<CheckResult> {
  const { createPgDriver, describeSchemaSafety, inspectSchemaSafety, redactUrl } = await import(
    '@jobforge/queue'
  );
  const driver = createPgDriver({ connectionString: databaseUrl, max: 1 });
  try {
    const [migrated] = await driver.query<{ n: number | null }>(
      `select case when to_regclass('jobforge.jobforge_migrations') is null then null
              else (select count(*)::int from jobforge.jobforge_migrations) end as n`,
    );
    if (migrated?.n == null) {
      return {
        name: 'db schema',
        status: 'warn',
        detail: `${redactUrl(databaseUrl)} has no JobForge schema yet`,
        fix: 'jobforge db migrate',
      };
    }
    const warnings = describeSchemaSafety(await inspectSchemaSafety(driver));
    if (warnings.length > 0) {
      return {
        name: 'db schema',
        status: 'warn',
        detail: warnings.join(' · '),
        fix: 'REVOKE CREATE ON SCHEMA public FROM PUBLIC; then jobforge db migrate',
      };
    }
    return {
      name: 'db schema',
      status: 'ok',
      detail: `${migrated.n} migrations in schema jobforge; functions pinned; public not writable by app roles`,
    };
  } catch (error) {
    return {
      name: 'db schema',
      status: 'warn',
      detail: `could not inspect ${redactUrl(databaseUrl)}: ${(error as Error).message}`,
      fix: 'check that the server is up and DATABASE_URL is right',
    };
  } finally {
    await driver.close().catch(() => {});
  }
}
