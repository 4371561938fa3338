import type { RunEventBody } from '@jobforge/sdk';
import type { LoadedRun } from './read-run.js';

/** What `jobforge impact show --run <id>` prints (`--json` prints this object). */
export interface RunImpact {
  run_id: string;
  connector: { id: string; version: string; integrity: string | null } | null;
  operation: string | null;
  status: string | null;
  error_code: string | null;
  dry_run: boolean;
  replay_of: string | null;
  calls: {
    method?: string;
    host?: string;
    path?: string;
    status?: number;
    code?: string;
    bytes?: number;
    blocked: boolean;
  }[];
  denials: { kind?: string; target?: string; reason?: string }[];
  output: unknown;
  artifacts: LoadedRun['artifacts'];
  /** True when every artifact, the manifest and the evidence (with the key given) hold. */
  verified: boolean;
  problems: string[];
}

/** What a run did, from its record: the connector, each call and denial, the output, the artifacts. */
export function explainRun(run: LoadedRun): RunImpact {
  const events = parseEvents(run.files.get('events.jsonl'));
  const r = run.receipt;
  const output = run.files.get('output.json');
  return {
    run_id: run.run_id,
    connector: r?.connector ?? null,
    operation: r?.operation ?? null,
    status: r?.status ?? null,
    error_code: r?.error_code ?? null,
    dry_run: r?.dry_run ?? false,
    replay_of: r?.replay_of ?? null,
    calls: events
      .filter((e) => e.kind === 'fetch' || e.kind === 'dry_run_blocked')
      .map((e) => ({
        method: e.method,
        host: e.host,
        path: e.path,
        ...(e.status !== undefined ? { status: e.status } : {}),
        ...(e.code !== undefined ? { code: e.code } : {}),
        ...(e.bytes !== undefined ? { bytes: e.bytes } : {}),
        blocked: e.kind === 'dry_run_blocked',
      })),
    denials: events
      .filter((e) => e.kind === 'denial')
      .map((e) => ({ kind: e.code, target: e.name, reason: e.reason })),
    output: output ? JSON.parse(output.toString('utf8')) : null,
    artifacts: run.artifacts,
    verified: run.problems.length === 0,
    problems: run.problems,
  };
}

/** `events.jsonl` lines; a line that is not JSON is skipped (the manifest check names the file). */
export function parseEvents(bytes: Buffer | undefined): RunEventBody[] {
  if (!bytes) return [];
  return bytes
    .toString('utf8')
    .split('\n')
    .flatMap((line) => {
      if (!line) return [];
      try {
        return [JSON.parse(line) as RunEventBody];
      } catch {
        return [];
      }
    });
}

/** The impact as text for a terminal. */
export function formatImpact(impact: RunImpact): string {
  const c = impact.connector;
  const lines = [
    `run ${impact.run_id}: ${c ? `${c.id}@${c.version}` : 'unknown connector'} ${impact.operation ?? ''}`.trimEnd(),
    `  artifact integrity  ${c?.integrity ?? 'none'}`,
    `  status              ${impact.status ?? 'unknown'}${impact.error_code ? ` (${impact.error_code})` : ''}${impact.dry_run ? ', dry run' : ''}${impact.replay_of ? `, replay of ${impact.replay_of}` : ''}`,
    `  outbound calls      ${impact.calls.length === 0 ? 'none' : ''}`,
    ...impact.calls.map(
      (k) =>
        `    ${k.method} ${k.host}${k.path} → ${k.blocked ? 'blocked (dry run)' : (k.status ?? k.code)}`,
    ),
    `  denials             ${impact.denials.length === 0 ? 'none' : ''}`,
    ...impact.denials.map((d) => `    ${d.kind} ${d.target}: ${d.reason}`),
    `  returned            ${preview(impact.output)}`,
    '  artifacts',
    ...impact.artifacts.map(
      (a) =>
        `    ${a.state === 'ok' ? 'ok     ' : a.state.padEnd(7)} ${a.name} (${a.size} bytes, ${a.signed ? 'signed' : 'derived'}, ${a.storage})`,
    ),
    impact.verified
      ? '  evidence and manifest verify'
      : `  NOT VERIFIED:\n${impact.problems.map((p) => `    - ${p}`).join('\n')}`,
  ];
  return `${lines.join('\n')}\n`;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? 'nothing';
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
