/** APS200MI/GetInvTotInfo — a ledger invoice and its payment status (apis/infor.md §5.12). */
import { M3_ERROR_CODE, M3Error } from '../envelope.js';
import type { TransactionDef } from './types.js';

export const getInvTotInfo: TransactionDef = {
  program: 'APS200MI',
  transaction: 'GetInvTotInfo',
  inputs: ['DIVI', 'SPYN', 'SINO', 'INYR', 'SUNO'],
  mandatory: ['DIVI', 'SPYN', 'SINO', 'INYR', 'SUNO'],
  outputs: [
    'YEA4', 'JRNO', 'JSNO', 'TRCD', 'SPYN', 'SUNO', 'SINO', 'INYR', 'CUCD', 'CUAM', 'VTAM', 'IVDT', 'DUDT', 'APRV', 'PYME',
    'RECO', 'REDE', 'PCUA', 'OCUA', 'PYST', 'LMTS',
  ],
  run({ input, cono, divi, store }) {
    const found = store.findSupplierInvoice({ cono, divi, suno: input.SUNO!, sino: input.SINO!, inyr: input.INYR!, spyn: input.SPYN! });
    // Not (yet) in the ledger: a business error, not an empty list (§5.12, §7 item 9).
    if (!found) throw new M3Error('Record does not exist', M3_ERROR_CODE.NOT_FOUND, 'SINO');
    return [found.record];
  },
};
