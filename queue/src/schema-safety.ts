import type { QueueDriver } from './driver.js';

export interface SchemaSafety {
  /**
   * Who may create objects in the `public` schema: `PUBLIC` when every role may, else the JobForge
   * roles that may. Empty when nobody but its owner (and superusers) can.
   */
  publicCreators: string[];
  /** The JobForge functions that run as their owner without the pinned search_path. */
  unpinnedFunctions: string[];
}

/** The search_path every JobForge SECURITY DEFINER function must run with (migration 0003). */
export const PINNED_SEARCH_PATH = 'search_path=pg_catalog, jobforge, pg_temp';

/**
 * Reads what makes the database unsafe for tenants: a `public` schema application roles can create
 * objects in, and JobForge SECURITY DEFINER functions whose search_path is not pinned. JobForge's
 * own functions no longer look in `public`, but a writable `public` still lets one tenant plant
 * functions and operators that the application's own SQL may resolve: `db migrate` and `doctor`
 * warn about it.
 *
 * @example
 * const { publicCreators } = await inspectSchemaSafety(driver);
 */
export async function inspectSchemaSafety(driver: QueueDriver): Promise<SchemaSafety> {
  const [row] = await driver.query<{ public_creators: string[]; unpinned: string[] }>(
    `select
       array(
         select 'PUBLIC' from pg_catalog.pg_namespace n,
           pg_catalog.aclexplode(coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner))) a
         where n.nspname = 'public' and a.grantee = 0 and a.privilege_type = 'CREATE'
         union all
         select r.rolname::text from pg_catalog.pg_roles r
         where r.rolname in ('jobforge_app', 'jobforge_worker') and not r.rolsuper
           and pg_catalog.has_schema_privilege(r.oid, 'public', 'CREATE')
       ) as public_creators,
       array(
         select p.oid::regprocedure::text from pg_catalog.pg_proc p
         where p.pronamespace = (select oid from pg_catalog.pg_namespace where nspname = 'jobforge')
           and p.prosecdef
           and not coalesce(p.proconfig @> array['${PINNED_SEARCH_PATH}'], false)
         order by 1
       ) as unpinned`,
  );
  const creators = row?.public_creators ?? [];
  // When PUBLIC may create, every role may: name that once rather than each role again.
  return {
    publicCreators: creators.includes('PUBLIC') ? ['PUBLIC'] : creators,
    unpinnedFunctions: row?.unpinned ?? [],
  };
}

/** Human-readable warnings for a SchemaSafety; empty when there is nothing to say. */
export function describeSchemaSafety(safety: SchemaSafety): string[] {
  const warnings: string[] = [];
  if (safety.publicCreators.length > 0) {
    const who = safety.publicCreators.includes('PUBLIC')
      ? 'every role (PUBLIC)'
      : safety.publicCreators.join(', ');
    warnings.push(
      `the schema "public" is writable by ${who}: a tenant's role can plant functions and operators there that SQL resolving names through "public" may run. JobForge's functions live in schema "jobforge" and never look in "public", but your application's SQL might. Fix: REVOKE CREATE ON SCHEMA public FROM PUBLIC (PostgreSQL 15's default).`,
    );
  }
  if (safety.unpinnedFunctions.length > 0) {
    warnings.push(
      `JobForge functions run as their owner without the pinned search_path (${safety.unpinnedFunctions.join(', ')}): run \`jobforge db migrate\`, and do not alter these functions by hand.`,
    );
  }
  return warnings;
}
