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
 * `jobforge`; resolved once), then the applied migrations and the queue depth (due jobs).
 * The queue has no scheduler yet, so `scheduler.leader` is null until one elects itself.
 */
export function createHealthCheck(driver: QueueDriver, expectedMigrations: number) {
  let tables: { migrations: string; jobs: string } | undefined;
  return async (): Promise<Health> => {
    const started = performance.now();
    try {
      if (!tables) {
        const [row] = await driver.query<{ m: string | null; j: string | null }>(
          `select coalesce(to_regclass('jobforge.jobforge_migrations'), to_regclass('public.jobforge_migrations'))::text as m,
                  coalesce(to_regclass('jobforge.jobforge_jobs'), to_regclass('public.jobforge_jobs'))::text as j`,
        );
        if (row?.m && row.j) tables = { migrations: row.m, jobs: row.j };
      }
      const [counts] = tables
        ? await driver.query<{ applied: number; depth: number }>(
            `select (select count(*) from ${tables.migrations})::int as applied,
                    (select count(*) from ${tables.jobs} where status in ('queued', 'failed') and run_at <= now())::int as depth`,
          )
        : await driver.query<{ applied: number; depth: null }>(
            'select 0 as applied, null::int as depth',
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
        scheduler: { leader: null },
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
