/** CRS630MI — accounting identities: GL accounts (AITP 1) and cost centres (AITP 2 by default) (apis/infor.md §5.6). */
import { M3_ERROR_CODE, M3Error } from '../envelope.js';
import type { TransactionDef } from './types.js';

const OUTPUTS = ['CONO', 'DIVI', 'AITP', 'AITM', 'TX40', 'TX15', 'AICL', 'LCCD', 'VFDT', 'VTDT', 'LMDT', 'LMTS'] as const;
/** M3 has seven accounting dimensions. */
const MAX_AITP = 7;

export const lstAccountId: TransactionDef = {
  program: 'CRS630MI',
  transaction: 'LstAccountID',
  inputs: ['AITP', 'DIVI', 'AITM', 'LNCD'],
  mandatory: ['AITP'],
  outputs: OUTPUTS,
  // A blank DIVI lists the company-level chart (§2).
  blankDiviIsCompany: true,
  run({ input, cono, divi, store }) {
    const aitp = String(Number(input.AITP));
    if (Number(aitp) < 1 || Number(aitp) > MAX_AITP) {
      throw new M3Error(`Accounting dimension ${aitp} is invalid`, M3_ERROR_CODE.INVALID_VALUE, 'AITP');
    }
    const from = input.AITM;
    // AITM is the inclusive start key of key paging (§6.1). No change filter: the client filters on LMTS.
    return store.accounts
      .values()
      .filter((a) => a.CONO === cono && a.DIVI === divi && a.AITP === aitp && (from === undefined || a.AITM! >= from));
  },
};
