/** CRS620MI — suppliers (apis/infor.md §5.1, §5.2). */
import { compareDecimal } from '../amounts.js';
import { M3_ERROR_CODE, M3Error } from '../envelope.js';
import type { TransactionDef } from './types.js';

/** LstSuppliers output: no LMTS and no STAT (§5.1), so the client must call GetBasicData per supplier. */
const LIST_OUTPUTS = [
  'CONO', 'SUNO', 'SUNM', 'SUTY', 'LNCD', 'PHNO', 'CSCD', 'ECAR', 'SUA1', 'SUA2', 'SUA3', 'SUA4', 'PONO', 'TOWN',
  'CUCD', 'TEPY', 'PYME', 'TINO', 'VRNO', 'PRSU',
] as const;

const DETAIL_OUTPUTS = [
  'CONO', 'SUNO', 'SUNM', 'SUTY', 'STAT', 'LNCD', 'PHNO', 'CSCD', 'ECAR', 'SUA1', 'SUA2', 'SUA3', 'SUA4', 'PONO',
  'TOWN', 'CUCD', 'TEPY', 'PYME', 'TINO', 'VRNO', 'CORG', 'PRSU',
] as const;

export const lstSuppliers: TransactionDef = {
  program: 'CRS620MI',
  transaction: 'LstSuppliers',
  inputs: ['CONO', 'FRSU', 'TOSU', 'LMTS'],
  outputs: LIST_OUTPUTS,
  run({ input, cono, store }) {
    const { FRSU: from, TOSU: to, LMTS: changedAfter } = input;
    // FRSU/TOSU are inclusive (key paging §6.1); LMTS is strictly greater (§7 item 12).
    return store.suppliers
      .values()
      .filter(
        (s) =>
          s.CONO === cono &&
          (from === undefined || s.SUNO! >= from) &&
          (to === undefined || s.SUNO! <= to) &&
          (changedAfter === undefined || compareDecimal(s.LMTS ?? '0', changedAfter) > 0),
      );
  },
};

export const getBasicData: TransactionDef = {
  program: 'CRS620MI',
  transaction: 'GetBasicData',
  inputs: ['CONO', 'SUNO'],
  mandatory: ['SUNO'],
  outputs: DETAIL_OUTPUTS,
  run({ input, cono, store }) {
    const supplier = store.supplier(cono, input.SUNO!);
    if (!supplier) throw new M3Error(`Supplier ${input.SUNO} does not exist`, M3_ERROR_CODE.SUPPLIER_NOT_FOUND, 'SUNO');
    return [supplier];
  },
};
