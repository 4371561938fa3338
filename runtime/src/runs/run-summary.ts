import type { RunEventBody } from '@jobforge/sdk';
import type { RunReceipt } from './run-receipt.js';

/** How much of the output `summary.md` quotes; the whole output is `output.json`. */
const OUTPUT_PREVIEW_BYTES = 2048;

/**
 * `summary.md`: a run for a person to read: what ran, what it called, what it returned or why it
 * failed. Derived from the receipt and the events, so it says nothing the record does not.
 */
export function renderSummary(
  receipt: RunReceipt,
  events: readonly RunEventBody[],
  output: Buffer,
): string {
  const c = receipt.connector;
  const lines = [
    `# Run ${receipt.run_id}: ${c.id}@${c.version} ${receipt.operation}`,
    '',
    `- status: **${receipt.status}**${receipt.error_code ? ` (${receipt.error_code})` : ''}${receipt.dry_run ? ' — dry run' : ''}`,
    `- tenant ${receipt.tenant_id}, trace ${receipt.trace_id}, attempt ${receipt.attempt}`,
    `- connector integrity ${c.integrity ?? 'none (run from a folder without a bundle)'}`,
    `- started ${receipt.timing.started_at}, took ${receipt.timing.duration_ms} ms`,
    ...(receipt.replay_of ? [`- a replay of run ${receipt.replay_of}`] : []),
    '',
    '## Calls',
    '',
  ];
  const calls = events.filter((e) => e.kind === 'fetch' || e.kind === 'dry_run_blocked');
  if (calls.length === 0) lines.push('No outbound calls.');
  for (const e of calls)
    lines.push(
      `- ${e.method} ${e.host}${e.path} → ${e.kind === 'dry_run_blocked' ? 'blocked (dry run)' : (e.status ?? e.code)}${e.bytes !== undefined ? `, ${e.bytes} bytes` : ''}${e.duration_ms !== undefined ? `, ${e.duration_ms} ms` : ''}`,
    );
  const denials = events.filter((e) => e.kind === 'denial');
  if (denials.length > 0) {
    lines.push('', '## Denied', '');
    for (const d of denials) lines.push(`- ${d.code} ${d.name}: ${d.reason}`);
  }
  const text = output.toString('utf8');
  lines.push(
    '',
    receipt.status === 'success' ? '## Returned' : '## Failed',
    '',
    '```json',
    text.length > OUTPUT_PREVIEW_BYTES ? `${text.slice(0, OUTPUT_PREVIEW_BYTES)}…` : text,
    '```',
    '',
    `Output sha256 ${receipt.output_hash}; evidence sha256 ${receipt.evidence_sha256}.`,
    '',
  );
  return lines.join('\n');
}
