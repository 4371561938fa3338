import {
  type ConnectorError,
  type ConnectorParams,
  defineConnector,
  parsePayload,
} from '@jobforge/sdk';
import { inputSchema, type ReportInput, type Row, rowsSchema } from './input-schema.js';
import { renderCsv } from './render-csv.js';
import { renderMarkdown } from './render-markdown.js';

export { inputSchema } from './input-schema.js';

export interface ReportOutput {
  markdown: string;
  csv: string;
  row_count: number;
  columns: string[];
}

const fail = (
  code: string,
  message: string,
  retryable: boolean,
): { ok: false; error: ConnectorError } => ({
  ok: false,
  error: { code, message, retryable },
});

/**
 * Renders job data as a Markdown report and a CSV file. The rows come in the input or from
 * `source_url` (fetched through context.fetch; a JSON array or `{ rows: [...] }`). Columns default to
 * every key in first-seen order. The output depends only on the data, so it is deterministic.
 */
export default defineConnector<ReportInput, ReportOutput>(async ({ input, context }) => {
  const parsed = parsePayload(inputSchema, input.payload);
  if (!parsed.ok) return parsed;
  const { title, source_url: sourceUrl } = parsed.data;
  let rows: Row[];
  if (sourceUrl) {
    const fetched = await fetchRows(sourceUrl, context);
    if (!fetched.ok) return fetched;
    rows = fetched.rows;
  } else rows = parsed.data.rows ?? [];
  const columns = parsed.data.columns ?? columnsOf(rows);
  context.logger.info('rendered', { rows: rows.length, columns: columns.length });
  return {
    ok: true,
    data: {
      markdown: renderMarkdown(title, columns, rows),
      csv: renderCsv(columns, rows),
      row_count: rows.length,
      columns,
    },
    evidence: { row_count: rows.length, source: sourceUrl ? new URL(sourceUrl).host : 'input' },
  };
});

function columnsOf(rows: readonly Row[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

async function fetchRows(
  url: string,
  context: ConnectorParams['context'],
): Promise<{ ok: true; rows: Row[] } | { ok: false; error: ConnectorError }> {
  const host = new URL(url).host;
  let response: Response;
  try {
    response = await context.fetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.any([context.signal, AbortSignal.timeout(10_000)]),
    });
  } catch (error) {
    return fail(
      'SOURCE_UNAVAILABLE',
      `could not fetch rows from ${host}: ${(error as Error).message}`,
      true,
    );
  }
  if (!response.ok) {
    await response.body?.cancel();
    const retryable = response.status >= 500 || response.status === 429;
    return fail(
      retryable ? 'SOURCE_UNAVAILABLE' : 'SOURCE_INVALID',
      `${host} answered HTTP ${response.status}`,
      retryable,
    );
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return fail('SOURCE_INVALID', `${host} did not return JSON`, false);
  }
  const list = Array.isArray(body) ? body : (body as { rows?: unknown })?.rows;
  const checked = rowsSchema.safeParse(list);
  if (!checked.success) {
    const problem = checked.error.issues[0];
    return fail(
      'SOURCE_INVALID',
      `rows from ${host} are not a list of flat objects (at ${problem?.path.join('.') || 'the top'}: ${problem?.message})`,
      false,
    );
  }
  return { ok: true, rows: checked.data };
}
