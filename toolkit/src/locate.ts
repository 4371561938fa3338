import type { Finding } from './diagnostic.js';
import { lineColumn } from './line-column.js';
import { parseJsonPositions } from './parse-json-positions.js';

/**
 * Fills in line and column of findings from their JSON pointers, parsing the text once more with
 * position tracking (only files that have findings pay for it). A pointer that does not exist in the
 * document (a missing property) is placed at its nearest existing parent.
 */
export function locate(text: string, findings: Finding[]): Finding[] {
  if (findings.every((f) => f.line !== undefined)) return findings;
  const { positions } = parseJsonPositions(text, { track: true });
  return findings.map((finding) => {
    if (finding.line !== undefined || !positions) return finding;
    let pointer = finding.pointer;
    let position = positions.get(pointer);
    while (!position && pointer !== '') {
      pointer = pointer.slice(0, pointer.lastIndexOf('/'));
      position = positions.get(pointer);
    }
    const useKey = finding.code === 'SCHEMA_UNKNOWN_PROPERTY' && pointer === finding.pointer;
    const offset = (useKey ? position?.key : undefined) ?? position?.value ?? 0;
    return { ...finding, ...lineColumn(text, offset) };
  });
}
