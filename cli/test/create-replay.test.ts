import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobforge, ROOT } from './run-jobforge.js';

// Under toolkit/.jobforge/ (git-ignored) so the scaffold's imports resolve, as in create-command.
let dir: string;
beforeAll(() => {
  mkdirSync(join(ROOT, 'toolkit/.jobforge'), { recursive: true });
  dir = mkdtempSync(join(ROOT, 'toolkit/.jobforge/create-replay-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RECORDING = 'test/fixtures/recordings/returns-the-message.json';

describe('jobforge create: the whole record-and-replay loop on the first run', () => {
  it.each([
    ['plain', []],
    ['keyed', ['--auth', 'api_key']],
  ])(
    '%s: its tests replay the shipped recording, and re-recording gives the same bytes',
    (id, flags) => {
      expect(jobforge(['create', id, '--dir', dir, ...flags, '--yes']).code).toBe(0);
      const folder = join(dir, id);
      const shipped = readFileSync(join(folder, RECORDING), 'utf8');

      const replayed = jobforge(['test', folder]);
      expect(replayed.stdout).toContain(
        'contract: retries follow failure_modes (case "returns the message": 503 → UPSTREAM_UNAVAILABLE, retried; 429 → UPSTREAM_UNAVAILABLE, retried; 400 → UPSTREAM_REJECTED, not retried)',
      );
      expect(replayed.code).toBe(0);

      // The template's fixture is exactly what recording against the local golden server writes.
      const recorded = jobforge(['test', folder, '--record']);
      expect(recorded.code).toBe(0);
      expect(readFileSync(join(folder, RECORDING), 'utf8')).toBe(shipped);
    },
  );

  it("runs the scaffold's own unit test, which replays the recording through sdk/testing", () => {
    // A clean child: no VITEST_* of this worker, no JOBFORGE_TEST_REPORT (the CI run's report).
    const env = Object.fromEntries(
      Object.entries(process.env).filter(
        ([key]) => !key.startsWith('VITEST') && key !== 'JOBFORGE_TEST_REPORT',
      ),
    );
    const run = spawnSync(
      process.execPath,
      // --dir, not a filter: the config's exclude of .jobforge/ would drop a filtered path.
      [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--dir', relative(ROOT, dir)],
      { cwd: ROOT, encoding: 'utf8', env: { ...env, NO_COLOR: '1' } },
    );
    expect(`${run.stdout}${run.stderr}`).toContain('Tests  4 passed (4)');
    expect(run.status).toBe(0);
  });
});
