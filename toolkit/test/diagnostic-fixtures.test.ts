import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES, type DiagnosticCode, validateConnectors } from '../src/index.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');

interface FixtureOptions {
  paths?: string[];
  against?: string;
  maxBytes?: number;
  loadEntries?: boolean;
}

async function runFixture(name: string) {
  const dir = join(FIXTURES, name);
  const optionsFile = join(dir, 'fixture.json');
  const options = existsSync(optionsFile)
    ? (JSON.parse(readFileSync(optionsFile, 'utf8')) as FixtureOptions)
    : {};
  return validateConnectors(options.paths ?? ['.'], {
    cwd: dir,
    against: options.against ?? false,
    ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}),
    ...(options.loadEntries ? { loadEntries: true } : {}),
  });
}

// The code list is the source of truth: a code without a fixture fails here.
const codes = Object.keys(DIAGNOSTIC_CODES) as DiagnosticCode[];

describe('every diagnostic code has a fixture that triggers it', () => {
  it.each(codes)('%s', async (code) => {
    expect(existsSync(join(FIXTURES, code)), `add toolkit/test/fixtures/${code}/`).toBe(true);
    const { diagnostics, connectors } = await runFixture(code);
    const hits = diagnostics.filter((d) => d.code === code);
    expect(hits.length, JSON.stringify(diagnostics, null, 2)).toBeGreaterThan(0);
    for (const hit of hits) {
      expect(hit.severity).toBe(DIAGNOSTIC_CODES[code].severity);
      expect(hit.line).toBeGreaterThanOrEqual(1);
      expect(hit.column).toBeGreaterThanOrEqual(1);
      expect(hit.message.length).toBeGreaterThan(20);
    }
    // An error in a connector's files makes that connector invalid; a warning does not.
    for (const connector of connectors) {
      const folder = connector.file.replace(/metadata\.json$/, '');
      const own = hits.filter((d) => d.file.startsWith(folder));
      if (own.length > 0) expect(connector.valid).toBe(DIAGNOSTIC_CODES[code].severity !== 'error');
    }
    // The fixture isolates its code: nothing else is reported.
    expect([...new Set(diagnostics.map((d) => d.code))]).toEqual([code]);
  });

  it('has no fixture for a code that does not exist', () => {
    const stray = readdirSync(FIXTURES).filter(
      (name) => !name.startsWith('_') && !(name in DIAGNOSTIC_CODES),
    );
    expect(stray).toEqual([]);
  });

  it('reports nothing for the valid fixture (which has an x- extension key)', async () => {
    const result = await runFixture('_valid');
    expect(result.diagnostics).toEqual([]);
    expect(result.connectors.map((c) => c.valid)).toEqual([true]);
  });
});

describe('docs', () => {
  const docs = readFileSync(join(import.meta.dirname, '../../docs/diagnostics.md'), 'utf8');
  it.each(codes)('docs/diagnostics.md documents %s', (code) => {
    expect(docs).toContain(`\n## ${code}\n`);
  });
});
