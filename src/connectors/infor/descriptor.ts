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
}

export const M3_TRANSACTIONS = {
  lstSuppliers: { program: 'CRS620MI', transaction: 'LstSuppliers' },
  getSupplier: { program: 'CRS620MI', transaction: 'GetBasicData' },
  exportSelect: { program: 'EXPORTMI', transaction: 'Select' },
  getPoHead: { program: 'PPS200MI', transaction: 'GetHead' },
  lstPoLines: { program: 'PPS200MI', transaction: 'LstLine' },
  lstAccountIds: { program: 'CRS630MI', transaction: 'LstAccountID' },
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
