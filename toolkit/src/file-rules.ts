import { realpathSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { ConnectorCheck } from './connector-check.js';
import type { Finding } from './diagnostic.js';
import { lineColumn } from './line-column.js';
import { locate } from './locate.js';
import { compiledGoldenValidator } from './metadata-schema.js';
import { parseJsonPositions } from './parse-json-positions.js';
import { readRegularFile } from './read-regular-file.js';
import { schemaFindings } from './schema-findings.js';

/** Where a connector keeps its golden contract cases, relative to its folder. */
export const GOLDEN_FILE = 'test/golden.json';

/** The entry's absolute path when it stays inside the folder; otherwise a finding. */
export function resolveEntry({ folder, meta }: ConnectorCheck): string | Finding | undefined {
  if (typeof meta.entry !== 'string') return undefined;
  const path = resolve(folder.dir, meta.entry);
  const inside = relative(folder.dir, path);
  if (
    inside === '' ||
    inside === '..' ||
    inside.startsWith(`..${sep}`) ||
    resolve(inside) === inside
  )
    return {
      code: 'ENTRY_OUTSIDE_FOLDER',
      message: `entry "${meta.entry}" points outside the connector folder, expected a path inside it such as "src/index.ts"; move the module into the folder`,
      file: folder.file,
      pointer: '/entry',
    };
  return path;
}

/** README, golden cases and entry existence: the files a connector must ship beside its metadata. */
export function fileFindings(
  check: ConnectorCheck,
  entry: string | undefined,
  known: ReadonlySet<string>,
): Finding[] {
  const { folder, meta } = check;
  const findings: Finding[] = [];
  const isFile = (path: string) => known.has(path) || statIsFile(path);
  const readme = isFile(join(folder.dir, 'README.md'));
  const golden = isFile(join(folder.dir, GOLDEN_FILE));
  const entryInfo = entry ? isFile(entry) : true;
  if (!readme)
    findings.push({
      code: 'README_MISSING',
      message: `the connector has no README.md, expected one describing its job types, input and auth; add ${relative(process.cwd(), join(folder.dir, 'README.md')) || 'README.md'}`,
      file: folder.file,
      pointer: '',
    });
  if (!golden)
    findings.push({
      code: 'GOLDEN_TESTS_MISSING',
      message: `the connector has no golden contract cases, expected ${GOLDEN_FILE} with at least one case; add it (see docs/authoring.md) so \`jobforge test\` can check the contract`,
      file: folder.file,
      pointer: '',
    });
  else {
    const shown = folder.file.replace(/metadata\.json$/, GOLDEN_FILE);
    findings.push(...goldenFindings(join(folder.dir, GOLDEN_FILE), shown));
  }
  if (!entryInfo)
    findings.push({
      code: 'ENTRY_NOT_FOUND',
      message: `entry "${String(meta.entry)}" does not exist; create it, or point "entry" at the module that default-exports the connector`,
      file: folder.file,
      pointer: '/entry',
    });
  else if (entry && !known.has(entry) && !insideRealFolder(entry, folder.dir))
    // Not seen as a plain file by the walk: a link (or a linked folder) may lead outside.
    findings.push({
      code: 'ENTRY_OUTSIDE_FOLDER',
      message: `entry "${String(meta.entry)}" resolves through a symbolic link to ${realpathSync(entry)}, outside the connector folder; the registry bundles only what is inside it: move the module into the folder`,
      file: folder.file,
      pointer: '/entry',
    });
  return findings;
}

function goldenFindings(path: string, file: string): Finding[] {
  const read = readRegularFile(path, 1024 * 1024);
  const text = read.ok ? read.bytes.toString('utf8') : '';
  const parsed = parseJsonPositions(text);
  const where = `${GOLDEN_FILE} of this connector`;
  if (parsed.problem)
    return [
      {
        code: 'GOLDEN_TESTS_INVALID',
        message: `${where} is not valid JSON: ${parsed.problem.message}; fix it`,
        file,
        pointer: '',
        ...lineColumn(text, parsed.problem.offset),
      },
    ];
  const validate = compiledGoldenValidator();
  if (validate(parsed.value)) return duplicateNames(parsed.value, where, file);
  const findings = schemaFindings(validate.errors ?? [], file, GOLDEN_FILE).map(
    (finding): Finding => ({
      ...finding,
      code: 'GOLDEN_TESTS_INVALID',
      message: `${GOLDEN_FILE}: ${finding.message}`,
    }),
  );
  return locate(text, findings);
}

function duplicateNames(value: unknown, where: string, file: string): Finding[] {
  const names = new Set<string>();
  for (const c of (value as { cases: { name: string }[] }).cases) {
    if (names.has(c.name))
      return [
        {
          code: 'GOLDEN_TESTS_INVALID',
          message: `${where} has two cases named "${c.name}"; give each case a unique name`,
          file,
          pointer: '',
        },
      ];
    names.add(c.name);
  }
  return [];
}

function insideRealFolder(path: string, dir: string): boolean {
  try {
    const inside = relative(realpathSync(dir), realpathSync(path));
    return inside !== '' && !inside.startsWith(`..${sep}`) && resolve(inside) !== inside;
  } catch {
    return true; // vanished meanwhile: nothing to say about where it points
  }
}

function statIsFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
