#!/usr/bin/env node
// Adds up vitest JSON reports (and pytest's JUnit XML, *.xml) and prints the one summary line CI
// reads: "N passed, N failed".
// A missing report counts as one failure: that run never got to its tests.
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
for (const path of process.argv.slice(2)) {
  if (!existsSync(path)) {
    failed += 1;
    continue;
  }
  if (path.endsWith('.xml')) {
    const counts = junitCounts(readFileSync(path, 'utf8'));
    passed += counts.tests - counts.failures - counts.errors - counts.skipped;
    failed += counts.failures + counts.errors;
    skipped += counts.skipped;
    continue;
  }
  const report = JSON.parse(readFileSync(path, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0);
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);

/** The counts on a JUnit XML report's first <testsuite> element (what pytest --junitxml writes). */
function junitCounts(xml) {
  const tag = /<testsuite\b[^>]*>/.exec(xml)?.[0] ?? '';
  const count = (name) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(tag)?.[1] ?? 0);
  // No suite element at all: the run never got to its tests.
  if (!tag) return { tests: 1, failures: 1, errors: 0, skipped: 0 };
  return {
    tests: count('tests'),
    failures: count('failures'),
    errors: count('errors'),
    skipped: count('skipped'),
  };
}
