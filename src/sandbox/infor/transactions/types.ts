/** The shape of one simulated M3 API transaction; the gateway does everything generic around it. */
import type { InforSimConfig } from '../config.js';
import type { M3Record } from '../envelope.js';
import type { M3Store } from '../store.js';

export interface TxContext {
  /** Input fields with a non-blank value, trimmed. */
  input: Readonly<M3Record>;
  /** Every input field named in the call, also those sent blank. */
  given: ReadonlySet<string>;
  /** Company of the call: CONO field, else option `cono`, else the user's default (apis/infor.md §2). */
  cono: string;
  /** Division of the call: DIVI field, else option `divi`, else the default division. */
  divi: string;
  /** Effective `maxrecs` (default 100, 0 = simMaxRecs). */
  maxrecs: number;
  store: M3Store;
  config: Readonly<InforSimConfig>;
  nowMs: number;
}

export interface TransactionDef {
  program: string;
  transaction: string;
  /** Input fields the transaction accepts; any other field → "Field X does not exist". */
  inputs: readonly string[];
  /** Inputs that must be non-blank → "X must be entered". */
  mandatory?: readonly string[];
  /** Output fields in the order M3 sends them; records are projected onto these. */
  outputs: readonly string[];
  /** A blank DIVI field means the company level instead of the default division (CRS630MI, §2). */
  blankDiviIsCompany?: boolean;
  /** The handler applies maxrecs itself (EXPORTMI adds a header row on top of maxrecs data rows). */
  limitsOwnRecords?: boolean;
  /** Returns the records, or throws M3Error for a business error. */
  run(ctx: TxContext): M3Record[];
}
