// Adapter: the round-trip ceiling, for the anchor harness (see its ADAPTER.md). scripts/bench/queue.ts
// copies this file into the harness as adapters/sql-ceiling.mjs. Not a queue: a bare SQL loop on
// JobForge's own jobs table that only claims a batch with FOR UPDATE SKIP LOCKED and deletes it,
// batched as JobForge's worker batches (up to `concurrency` jobs per round trip). It keeps no
// records, no leases, no attempts: what JobForge drains is printed as a fraction of this.
import pg from 'pg';
// queue.ts copies queue-adapter.mjs beside this file as jobforge.mjs: the same tables, enqueue,
// reset and pending count, so only the worker differs.
import { create as createJobforge } from './jobforge.mjs';

export async function create({ connectionString }) {
  const jobforge = await createJobforge({ connectionString });
  return {
    ...jobforge,
    library: 'sql-ceiling',
    config: {
      claim:
        'begin; select id, payload … where status in (queued, failed) and run_at <= now() order by priority desc, run_at, id limit <concurrency> for update skip locked (one round trip)',
      complete: 'delete … where id = any(batch); commit (one round trip)',
      records: 'none',
      enqueue: 'as jobforge (jobforge_enqueue_jobs)',
    },

    async runWorker({ concurrency, handler }) {
      const client = new pg.Client({ connectionString });
      await client.connect();
      let stopping = false;
      const loop = (async () => {
        while (!stopping) {
          // Integers only, so the batch size and ids go into the text: each step is one round
          // trip of the simple protocol, as a prepared pair would be.
          const [, claimed] = await client.query(
            `begin; select id, payload from jobforge.jobforge_jobs
             where status in ('queued', 'failed') and run_at <= now()
             order by priority desc, run_at, id limit ${Number(concurrency)} for update skip locked`,
          );
          const rows = claimed.rows;
          if (rows.length > 0) await Promise.all(rows.map((r) => handler(r.payload)));
          const ids = rows.map((r) => Number(r.id)).join(',');
          await client.query(
            `${rows.length > 0 ? `delete from jobforge.jobforge_jobs where id = any('{${ids}}'::bigint[]); ` : ''}commit`,
          );
          if (rows.length === 0) await new Promise((r) => setTimeout(r, 5));
        }
      })();
      return {
        async stop() {
          stopping = true;
          await loop;
          await client.end();
        },
      };
    },
  };
}
