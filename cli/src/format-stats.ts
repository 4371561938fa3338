import type { RuntimeStatsSnapshot } from '@jobforge/runtime';
import { formatTable } from './format-table.js';

/** `jobforge run --stats`: isolation in force, then one row per connector, then the pool. */
export function formatStats(stats: RuntimeStatsSnapshot): string {
  const { isolation, pool } = stats;
  const rows = Object.entries(stats.connectors).map(([name, s]) => [
    name,
    String(s.calls),
    String(s.ok),
    Object.entries(s.errors)
      .map(([code, n]) => `${code}×${n}`)
      .join(' ') || '-',
    String(s.timeouts),
    String(s.denials),
    `${s.duration_ms.p50} / ${s.duration_ms.p95} / ${s.duration_ms.p99}`,
    s.circuit,
  ]);
  return [
    '',
    `sandbox: network ${isolation.network}, uid ${isolation.uidBase === null ? 'of the host' : 'dedicated per child'}, memory ${isolation.memory}, ${isolation.permissionFlag}`,
    formatTable(
      [
        'connector',
        'calls',
        'ok',
        'errors',
        'timeouts',
        'denials',
        'ms p50 / p95 / p99',
        'circuit',
      ],
      rows,
    ),
    `pool: ${pool.children} children (${pool.idle} idle, ${pool.busy} busy, ${pool.spares} spare), ${pool.spawned} started, ${pool.recycled} recycled, ${Math.round(pool.idleCpuMs)} ms CPU while idle`,
    '',
  ].join('\n');
}
