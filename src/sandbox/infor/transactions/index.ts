/** Every M3 transaction the simulator answers; any other program or transaction is a 404 (apis/infor.md §7 item 7). */
import * as aps200mi from './aps200mi.js';
import * as aps450mi from './aps450mi.js';
import * as aps455mi from './aps455mi.js';
import * as crs620mi from './crs620mi.js';
import * as crs630mi from './crs630mi.js';
import * as exportmi from './exportmi.js';
import * as pps200mi from './pps200mi.js';
import type { TransactionDef } from './types.js';

export const TRANSACTIONS: readonly TransactionDef[] = [
  crs620mi.lstSuppliers,
  crs620mi.getBasicData,
  pps200mi.getHead,
  pps200mi.lstLine,
  crs630mi.lstAccountId,
  exportmi.select,
  aps450mi.lstInvBySupInv,
  aps450mi.addHead,
  aps450mi.addLine,
  aps450mi.getHead,
  aps450mi.lstLines,
  aps450mi.dltInvoice,
  aps455mi.validByBatchNo,
  aps200mi.getInvTotInfo,
];
