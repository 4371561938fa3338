import type { QueueDriver } from '@jobforge/queue';

export interface Health {
  status: 'ok' | 'degraded' | 'unavailable';
  database: { reachable: boolean; latency_ms: number | null };
  migrations: { current: boolean; applied: number; expected: number };
  scheduler: { leader: string | null };
  queue: { depth: number | null };
}

/**
 * Checks the database in two short queries: where the queue's tables live (they move into schema
 * `jobforge`; resolved once), then the applied migrations, the queue depth (due jobs) and the
 * trigger scheduler's leader: the holder of its lease while the lease is live, else null (no
 * scheduler runs, the last one stopped without a successor, or this role may not read the lease).
 */
export function createHealthCheck(driver: QueueDriver, expectedMigrations: number) {
  let tables: { migrations: string; jobs: string; lease: string | null } | undefined;
  return async (): Promise<Health> => {
    const started = performance.now();
    try {
      if (!tables) {
        const [row] = await driver.query<{ m: string | null; j: string | null; l: string | null }>(
          `select coalesce(to_regclass('jobforge.jobforge_migrations'), to_regclass('public.jobforge_migrations'))::text as m,
                  coalesce(to_regclass('jobforge.jobforge_jobs'), to_regclass('public.jobforge_jobs'))::text as j,
                  (select l::text from (select to_regclass('jobforge.jobforge_scheduler_lease') as l) x
                    where l is not null and has_table_privilege(l, 'select')) as l`,
        );
        if (row?.m && row.j) tables = { migrations: row.m, jobs: row.j, lease: row.l };
      }
      const [counts] = tables
        ? await driver.query<{ applied: number; depth: number; leader: string | null }>(
            `select (select count(*) from ${tables.migrations})::int as applied,
                    (select count(*) from ${tables.jobs} where status in ('queued', 'failed') and run_at <= now())::int as depth,
                    ${tables.lease ? `(select holder from ${tables.lease} where name = 'scheduler' and expires_at > now())` : 'null::text'} as leader`,
          )
        : await driver.query<{ applied: number; depth: null; leader: null }>(
            'select 0 as applied, null::int as depth, null::text as leader',
          );
      const applied = counts?.applied ?? 0;
      const current = applied >= expectedMigrations;
      return {
        status: current ? 'ok' : 'degraded',
        database: {
          reachable: true,
          latency_ms: Math.round((performance.now() - started) * 100) / 100,
        },
        migrations: { current, applied, expected: expectedMigrations },
        scheduler: { leader: counts?.leader ?? null },
        queue: { depth: counts?.depth ?? null },
      };
    } catch {
      return {
        status: 'unavailable',
        database: { reachable: false, latency_ms: null },
        migrations: { current: false, applied: 0, expected: expectedMigrations },
        scheduler: { leader: null },
        queue: { depth: null },
      };
    }
  };
}
