/** EXPORTMI/Select — generic table read with the MODELED grammar of apis/infor.md §5.3 (§7 items 20, 21). */
import { M3_ERROR_CODE, M3Error, type M3Record } from '../envelope.js';
import { InvalidQuery, matches, parseSelect } from '../export-query.js';
import { EXPORT_TABLES } from '../export-tables.js';
import type { TransactionDef } from './types.js';

const DEFAULT_SEPARATOR = ';';
/** REPL is an A984 field; longer rows are cut. */
const REPL_LENGTH = 984;

function invalidQuery(): M3Error {
  return new M3Error('Invalid query', M3_ERROR_CODE.INVALID_QUERY, 'QERY');
}

export const select: TransactionDef = {
  program: 'EXPORTMI',
  transaction: 'Select',
  inputs: ['QERY', 'SEPC', 'HDRS'],
  mandatory: ['QERY'],
  outputs: ['REPL'],
  limitsOwnRecords: true,
  run({ input, cono, maxrecs, store }) {
    let query;
    try {
      query = parseSelect(input.QERY!);
    } catch (err) {
      if (err instanceof InvalidQuery) throw invalidQuery();
      throw err;
    }
    const table = EXPORT_TABLES[query.table];
    if (!table) throw invalidQuery();
    const fieldOf = (column: string): string => {
      const field = column.startsWith(table.prefix) ? column.slice(table.prefix.length) : '';
      if (!table.fields.includes(field)) throw invalidQuery();
      return field;
    };
    const selected = query.columns.map(fieldOf);
    // Company conditions are ignored: rows come from the call's company only (§7 item 21).
    const conditions = query.conditions.filter((c) => fieldOf(c.column) !== 'CONO');
    const headers = input.HDRS ?? '0';
    if (headers !== '0' && headers !== '1') throw new M3Error(`HDRS ${headers} is invalid`, M3_ERROR_CODE.INVALID_VALUE, 'HDRS');
    // A blank SEPC means the default separator.
    const separator = input.SEPC ?? DEFAULT_SEPARATOR;

    const records: M3Record[] = [];
    for (const row of table.rows(store, cono)) {
      if (records.length >= maxrecs) break;
      if (!conditions.every((c) => matches(row[fieldOf(c.column)] ?? '', c))) continue;
      records.push({ REPL: selected.map((f) => (row[f] ?? '').trim()).join(separator).slice(0, REPL_LENGTH) });
    }
    // The header row comes on top of maxrecs data rows.
    if (headers === '1') records.unshift({ REPL: query.columns.join(separator).slice(0, REPL_LENGTH) });
    return records;
  },
};
