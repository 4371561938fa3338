import type { ConnectorTestReport } from './test-connectors.js';

/** Prints golden test results like a test runner: names, failures with their diffs, a summary. */
export function printGolden(reports: readonly ConnectorTestReport[], color: boolean): string {
  const paint = (code: number) => (s: string) => (color ? `\u001b[${code}m${s}\u001b[39m` : s);
  const red = paint(31);
  const green = paint(32);
  let out = '';
  let passed = 0;
  let failed = 0;
  for (const report of reports) {
    out += `${report.id ? `${report.id}@${report.version}` : report.file}\n`;
    for (const problem of report.problems) {
      failed++;
      out += `  ${red('✗')} ${problem.code} ${problem.file}:${problem.line}:${problem.column}\n      ${problem.message}\n`;
    }
    for (const c of report.cases) {
      if (c.ok) passed++;
      else failed++;
      out += `  ${c.ok ? green('✓') : red('✗')} ${c.name} (${c.duration_ms} ms)\n`;
      for (const failure of c.failures) out += `      ${failure}\n`;
    }
  }
  const summary = `${reports.length} connector${reports.length === 1 ? '' : 's'}: ${passed} passed, ${failed} failed\n`;
  return `${out}\n${failed > 0 ? red(summary) : green(summary)}`;
}
