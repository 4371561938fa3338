import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ArtifactCheck, LoadedRun } from '@jobforge/runtime';
import { formatTable } from '../format-table.js';

/** Writes every artifact found unaltered into `dir`, byte-identical to what was hashed. */
export async function writeRunArtifacts(run: LoadedRun, dir: string): Promise<string[]> {
  const out = resolve(dir);
  await mkdir(out, { recursive: true });
  const written: string[] = [];
  // Names come from the manifest, which the sdk allows only as plain file names; join stays inside.
  for (const [name, bytes] of run.files) {
    if (name.includes('/') || name.includes('\\') || name.startsWith('.')) continue;
    await writeFile(join(out, name), bytes);
    written.push(join(out, name));
  }
  return written;
}

export function formatRunShow(view: {
  run_id: string;
  job_status: string;
  manifest_sha256: string;
  artifacts: ArtifactCheck[];
  problems: string[];
  written?: string[];
}): string {
  const lines = [
    `run ${view.run_id} (job ${view.job_status}), manifest sha256 ${view.manifest_sha256}`,
    '',
    formatTable(
      ['artifact', 'media type', 'bytes', 'sha256', 'kind', 'stored', 'check'],
      view.artifacts.map((a) => [
        a.name,
        a.media_type,
        String(a.size),
        `${a.sha256.slice(0, 16)}…`,
        a.signed ? 'signed' : 'derived',
        a.storage,
        a.state,
      ]),
    ),
    '',
    view.problems.length === 0
      ? 'every artifact matches the manifest, and the evidence signs it'
      : `NOT VERIFIED:\n${view.problems.map((p) => `  - ${p}`).join('\n')}`,
    ...(view.written ? [`wrote ${view.written.length} file(s)`] : []),
  ];
  return `${lines.join('\n')}\n`;
}
