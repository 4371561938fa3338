/**
 * Pads every Markdown table so its columns line up, the way the repository's formatter writes them,
 * so generated pages pass `biome ci` unchanged. Cells are split on unescaped `|`.
 */
export function alignTables(markdown: string): string {
  const lines = markdown.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    if (!isRow(lines[i]!)) {
      out.push(lines[i++]!);
      continue;
    }
    const block: string[][] = [];
    while (i < lines.length && isRow(lines[i]!)) block.push(cells(lines[i++]!));
    const columns = Math.max(...block.map((row) => row.length));
    const widths = Array.from({ length: columns }, (_, c) =>
      Math.max(3, ...block.map((row, r) => (r === 1 ? 3 : width(row[c] ?? '')))),
    );
    for (const [r, row] of block.entries()) {
      const padded = widths.map((w, c) =>
        r === 1 ? '-'.repeat(w) : (row[c] ?? '') + ' '.repeat(w - width(row[c] ?? '')),
      );
      out.push(`| ${padded.join(' | ')} |`);
    }
  }
  return out.join('\n');
}

function isRow(line: string): boolean {
  return line.startsWith('|') && line.trimEnd().endsWith('|');
}

function cells(line: string): string[] {
  const inner = line.trim().slice(1, -1);
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < inner.length; i++) {
    const char = inner[i]!;
    if (char === '\\' && inner[i + 1] === '|') {
      current += '\\|';
      i++;
    } else if (char === '|') {
      parts.push(current.trim());
      current = '';
    } else current += char;
  }
  parts.push(current.trim());
  return parts;
}

function width(text: string): number {
  return [...text].length;
}
