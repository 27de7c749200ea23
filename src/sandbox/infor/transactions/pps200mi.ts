/** PPS200MI — purchase orders (apis/infor.md §5.4, §5.5). There is no "list all heads" transaction. */
import { M3_ERROR_CODE, M3Error, type M3Record } from '../envelope.js';
import type { M3Store, PurchaseOrder } from '../store.js';
import type { TransactionDef } from './types.js';

export const PO_HEAD_FIELDS = [
  'CONO', 'PUNO', 'SUNO', 'PUDT', 'CUCD', 'TEPY', 'DIVI', 'FACI', 'WHLO', 'BUYE', 'NTAM', 'COAM', 'ORTY', 'PUSL', 'PUST',
] as const;

export const PO_LINE_FIELDS = [
  'PUNO', 'PNLI', 'PNLS', 'ITNO', 'PITD', 'ORQA', 'RVQA', 'IVQA', 'PUUN', 'PUPR', 'PPUN', 'PUCD', 'LNAM', 'PUSL',
  'PUST', 'DWDT', 'VTCD',
] as const;

/** The head as M3 shows it: its status is the lowest / highest line status (PUSL / PUST, §5.5). */
export function poHeadView(po: PurchaseOrder): M3Record {
  if (po.lines.length === 0) return po.head;
  const lowest = po.lines.map((l) => l.PUSL ?? '').reduce((a, b) => (b < a ? b : a));
  const highest = po.lines.map((l) => l.PUST ?? '').reduce((a, b) => (b > a ? b : a));
  return { ...po.head, PUSL: lowest, PUST: highest };
}

function findOrder(store: M3Store, cono: string, puno: string): PurchaseOrder {
  const po = store.purchaseOrder(cono, puno);
  if (!po) throw new M3Error(`Purchase order ${puno} does not exist`, M3_ERROR_CODE.NOT_FOUND, 'PUNO');
  return po;
}

export const getHead: TransactionDef = {
  program: 'PPS200MI',
  transaction: 'GetHead',
  inputs: ['CONO', 'PUNO'],
  mandatory: ['PUNO'],
  outputs: PO_HEAD_FIELDS,
  run: ({ input, cono, store }) => [poHeadView(findOrder(store, cono, input.PUNO!))],
};

export const lstLine: TransactionDef = {
  program: 'PPS200MI',
  transaction: 'LstLine',
  inputs: ['CONO', 'PUNO'],
  mandatory: ['PUNO'],
  outputs: PO_LINE_FIELDS,
  run: ({ input, cono, store }) => findOrder(store, cono, input.PUNO!).lines,
};
