// Validates connector folders, as `jobforge validate` does (same flags):
//   pnpm exec tsx scripts/validate-connector.ts connectors/my-connector [--format github] [--strict]
// A thin wrapper: it runs the CLI's own entry, so the two can never disagree.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = join(dirname(fileURLToPath(import.meta.url)), '../cli/bin/jobforge.mjs');
const run = spawnSync(process.execPath, [bin, 'validate', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exitCode = run.status ?? 2;
