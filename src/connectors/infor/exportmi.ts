/**
 * EXPORTMI/Select reads (apis/infor.md §5.3, §6.2): one `REPL` per row, values joined by `;`. A query
 * template with `'{last}'` is read keyset-style (page after page above the last key); one without is
 * read with maxrecs = exportMaxRows, and a full answer is split at the midpoint of its LMTS range
 * until each window comes back short, so no row is silently cut off.
 */
import { ConfigError } from '../../errors.js';
import { EXPORTMI_SEPARATOR, INFOR_SYSTEM, M3_TRANSACTIONS } from './descriptor.js';
import type { M3Client } from './m3-client.js';
import { compareLmts, isLmts } from './m3-values.js';

/** A parsed query template: its columns and the roles mlsync needs from them. */
export interface ExportTemplate {
  template: string;
  /** Config key of the template, for messages (erp.m3.exportQueries.poHeads). */
  configKey: string;
  columns: string[];
  /** Column compared with '{last}' (keyset templates only). */
  keysetColumn?: string;
  /** The change-timestamp column (…LMTS). */
  lmtsColumn: string;
}

/** One row: column → value, plus the raw REPL for messages. */
export interface ExportRow {
  values: Record<string, string>;
  repl: string;
}

const SELECT = /^\s*(.+?)\s+from\s+\w+/i;
const KEYSET = /(\w+)\s*>\s*'\{last\}'/;
const WHERE = /\bwhere\b/i;

export function parseExportTemplate(template: string, configKey: string): ExportTemplate {
  const m = SELECT.exec(template);
  const problem = (what: string) =>
    new ConfigError(`${configKey}: the EXPORTMI query template ${what}: "${template}"`, [`${configKey}: ${what}`], {
      system: INFOR_SYSTEM,
    });
  if (!m) throw problem('is not of the form "COL,COL from TABLE where …"');
  if (!template.includes('{wm}')) throw problem('has no {wm} placeholder for the watermark');
  const columns = (m[1] as string).split(',').map((c) => c.trim().toUpperCase());
  const lmtsColumn = columns.find((c) => c.endsWith('LMTS'));
  if (!lmtsColumn) throw problem('selects no change-timestamp column (…LMTS)');
  const keyset = KEYSET.exec(template)?.[1]?.toUpperCase();
  if (keyset && !columns.includes(keyset)) throw problem(`compares ${keyset} with '{last}' but does not select it`);
  return { template, configKey, columns, lmtsColumn, ...(keyset ? { keysetColumn: keyset } : {}) };
}

export interface ExportReadOptions {
  m3: M3Client;
  template: ExportTemplate;
  /** Watermark (exclusive lower bound of LMTS); null = everything. */
  since: string | null;
  /** maxrecs of keyset pages. */
  pageSize: number;
  /** maxrecs of windowed queries (erp.m3.exportMaxRows). */
  maxRows: number;
}

/** No watermark yet: every LMTS is greater than 0. */
const NO_WATERMARK = '0';

export function fillTemplate(template: string, values: { wm: string; last?: string }): string {
  return template.replace(/\{wm\}/g, values.wm).replace(/\{last\}/g, values.last ?? '');
}

async function select(m3: M3Client, query: string, maxrecs: number, columns: string[]): Promise<ExportRow[]> {
  const records = await m3.call(M3_TRANSACTIONS.exportSelect, { QERY: query, SEPC: EXPORTMI_SEPARATOR, HDRS: '0' }, { maxrecs });
  return records.map((r) => {
    const repl = r.REPL ?? '';
    const cells = repl.split(EXPORTMI_SEPARATOR);
    const values: Record<string, string> = {};
    columns.forEach((c, i) => {
      values[c] = (cells[i] ?? '').trim();
    });
    return { values, repl };
  });
}

/** Rows changed after `since`, streamed. */
export function readExport(opts: ExportReadOptions): AsyncGenerator<ExportRow> {
  return opts.template.keysetColumn ? readKeyset(opts) : readWindowed(opts);
}

async function* readKeyset(opts: ExportReadOptions): AsyncGenerator<ExportRow> {
  const { m3, template } = opts;
  const keyColumn = template.keysetColumn as string;
  const wm = opts.since ?? NO_WATERMARK;
  let last = '';
  for (;;) {
    if (last.includes("'")) {
      // The simulator's grammar (and EXPORTMI's) has no quoting; a key with a quote cannot be paged past.
      throw new ConfigError(`${template.configKey}: key ${keyColumn} "${last}" contains a quote and cannot be used for keyset paging`);
    }
    const rows = await select(m3, fillTemplate(template.template, { wm, last }), opts.pageSize, template.columns);
    for (const row of rows) yield row;
    if (rows.length < opts.pageSize) return;
    const next = rows[rows.length - 1]?.values[keyColumn] ?? '';
    if (next === '' || next === last) return;
    last = next;
  }
}

async function* readWindowed(opts: ExportReadOptions): AsyncGenerator<ExportRow> {
  const { m3, template } = opts;
  const col = template.lmtsColumn;
  let lower = opts.since ?? NO_WATERMARK;
  let upper: string | undefined;
  for (;;) {
    const base = fillTemplate(template.template, { wm: lower });
    const query = upper === undefined ? base : `${base}${WHERE.test(base) ? ' and' : ' where'} ${col} <= ${upper}`;
    const rows = await select(m3, query, opts.maxRows, template.columns);
    if (rows.length >= opts.maxRows) {
      // Possibly truncated: narrow the window to the lower half of the LMTS range seen (§6.2).
      const stamps = rows.map((r) => r.values[col] ?? '').filter(isLmts);
      if (stamps.length === 0) {
        throw new ConfigError(`${template.configKey}: EXPORTMI returned ${rows.length} rows without a readable ${col}; cannot split the window`);
      }
      const min = stamps.reduce((a, b) => (compareLmts(a, b) <= 0 ? a : b));
      const max = stamps.reduce((a, b) => (compareLmts(a, b) >= 0 ? a : b));
      if (compareLmts(min, max) === 0) {
        throw new ConfigError(
          `${template.configKey}: EXPORTMI returned ${rows.length} rows (erp.m3.exportMaxRows) that all have ${col} = ${min}; ` +
            `the window cannot be split further. Raise erp.m3.exportMaxRows.`,
          [`erp.m3.exportMaxRows: too small for ${rows.length}+ rows with one ${col}`],
          { system: INFOR_SYSTEM },
        );
      }
      upper = ((BigInt(min) + BigInt(max)) / 2n).toString();
      continue;
    }
    for (const row of rows) yield row;
    if (upper === undefined) return;
    lower = upper;
    upper = undefined;
  }
}
