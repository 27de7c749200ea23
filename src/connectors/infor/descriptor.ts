/**
 * Infor facts that are data, not behaviour: names, the M3 REST path, the MI transactions mlsync
 * calls (apis/infor.md §5), token refresh margins (§3). Names are case-sensitive on the gateway.
 */

export const INFOR_SYSTEM = 'infor';
export const INFOR_DISPLAY_NAME = 'Infor CloudSuite';

/** Environment variable operators set to the .ionapi path (contract.md). */
export const INFOR_IONAPI_ENV = 'INFOR_IONAPI';

/** Appended to the gateway base (`iu/ti`), then `/{PROGRAM}/{TRANSACTION}` (§2). */
export const M3_EXECUTE_PATH = '/M3/m3api-rest/v2/execute';

export interface M3Transaction {
  readonly program: string;
  readonly transaction: string;
  /**
   * True for reads (Lst, Get, Select): the HTTP client may repeat them after a 5xx or a reset. False
   * for Add/Valid/Dlt: M3 may have executed a write that then answered 5xx (§7 item 25), so the
   * client raises OutcomeUnknownError instead of sending it again (§6.3).
   */
  readonly idempotent: boolean;
}

export const M3_TRANSACTIONS = {
  lstSuppliers: { program: 'CRS620MI', transaction: 'LstSuppliers', idempotent: true },
  getSupplier: { program: 'CRS620MI', transaction: 'GetBasicData', idempotent: true },
  exportSelect: { program: 'EXPORTMI', transaction: 'Select', idempotent: true },
  getPoHead: { program: 'PPS200MI', transaction: 'GetHead', idempotent: true },
  lstPoLines: { program: 'PPS200MI', transaction: 'LstLine', idempotent: true },
  lstAccountIds: { program: 'CRS630MI', transaction: 'LstAccountID', idempotent: true },
  // Supplier invoice batches (§5.7–§5.11); APS100MI is not a real program (§1).
  lstInvBySupInv: { program: 'APS450MI', transaction: 'LstInvBySupInv', idempotent: true },
  addInvoiceHead: { program: 'APS450MI', transaction: 'AddHead', idempotent: false },
  addInvoiceLine: { program: 'APS450MI', transaction: 'AddLine', idempotent: false },
  getInvoiceHead: { program: 'APS450MI', transaction: 'GetHead', idempotent: true },
  lstInvoiceLines: { program: 'APS450MI', transaction: 'LstLines', idempotent: true },
  deleteInvoice: { program: 'APS450MI', transaction: 'DltInvoice', idempotent: false },
  // ≤ 15 characters: Infor's prose name "ValidateByBatchNo" is not callable (§2).
  validateInvoice: { program: 'APS455MI', transaction: 'ValidByBatchNo', idempotent: false },
  // Supplier ledger (§5.12).
  getLedgerInvoice: { program: 'APS200MI', transaction: 'GetInvTotInfo', idempotent: true },
} as const satisfies Record<string, M3Transaction>;

/** Refresh when ≤ 10 % of the token lifetime (min 60 s) remains (§3). */
export const INFOR_TOKEN_REFRESH_FRACTION = 0.1;
export const INFOR_TOKEN_REFRESH_MIN_SECONDS = 60;

/** CRS620MI supplier status that means blocked (MODELED semantics, §5.2). */
export const M3_SUPPLIER_STATUS_BLOCKED = '90';
/** CRS630MI LCCD value of an open (not locked) accounting identity (§5.6). */
export const M3_ACCOUNT_OPEN_LCCD = '0';
/** EXPORTMI options the client always sends (§5.3). */
export const EXPORTMI_SEPARATOR = ';';

/** Batch type of a supplier invoice (§5.8). */
export const M3_BATCH_TYPE_SUPPLIER_INVOICE = '20';
/** AddLine line type of an accounting (non-PO) coding row (§5.9). */
export const M3_LINE_TYPE_ACCOUNTING = '8';
/** Invoice batch status SUPA (§5.11: 78 is [V], the others MODELED). */
export const M3_BATCH_STATUS = {
  ENTERED: 10,
  VALIDATION_ERROR: 15,
  RECODING_FAILED: 78,
  POSTED: 90,
} as const;
/** What GetInvTotInfo (and other Get transactions) answer for no match (§5.12, §7 item 9). */
export const M3_RECORD_NOT_FOUND = 'Record does not exist';
/** CORI, the correlation id on AddHead, holds at most 36 characters (§5.8). */
export const M3_CORI_MAX_LENGTH = 36;
