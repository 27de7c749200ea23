/**
 * The M3 field dictionary the simulator knows: type and length of every field used as transaction input or
 * output. Lengths drive the right-padding of A-fields (apis/infor.md §2) and the validation of input values
 * (§7 item 14). Lengths follow M3 where known; where not, they are MODELED.
 */
import { isDecimal } from './amounts.js';
import { isValidYmd } from './m3-time.js';

/** A = alphanumeric (padded on output), N = numeric, D = date yyyyMMdd. */
export type FieldType = 'A' | 'N' | 'D';

export interface FieldDef {
  type: FieldType;
  length: number;
  /** Fraction digits allowed for N fields. */
  decimals?: number;
  /** Wording M3 uses for the field in messages (`"Invoice date 2024-07-01 is invalid"`, §5.8); else the field name. */
  label?: string;
}

const A = (length: number): FieldDef => ({ type: 'A', length });
const N = (length: number, decimals = 0): FieldDef => ({ type: 'N', length, decimals });
const D = (label?: string): FieldDef => (label ? { type: 'D', length: 8, label } : { type: 'D', length: 8 });
const AMOUNT = N(17, 2);
const QUANTITY = N(15, 6);

const DICTIONARY: Record<string, FieldDef> = {
  // Company, division, change stamps
  CONO: N(3),
  DIVI: A(3),
  LMDT: D(),
  LMTS: N(18),
  // Supplier (CRS620MI)
  SUNO: A(10),
  SUNM: A(36),
  SUTY: N(1),
  STAT: A(2),
  LNCD: A(2),
  PHNO: A(16),
  CSCD: A(3),
  ECAR: A(2),
  CUCD: A(3),
  TEPY: A(3),
  PYME: A(3),
  TINO: A(16),
  VRNO: A(16),
  CORG: A(13),
  PRSU: A(10),
  SUA1: A(36),
  SUA2: A(36),
  SUA3: A(36),
  SUA4: A(36),
  PONO: A(10),
  TOWN: A(20),
  FRSU: A(10),
  TOSU: A(10),
  // Purchase order (PPS200MI)
  PUNO: A(10),
  PUDT: D('Order date'),
  FACI: A(3),
  WHLO: A(3),
  BUYE: A(10),
  NTAM: AMOUNT,
  COAM: AMOUNT,
  ORTY: A(3),
  PUSL: A(2),
  PUST: A(2),
  PNLI: N(5),
  PNLS: N(3),
  ITNO: A(15),
  PITD: A(30),
  ORQA: QUANTITY,
  RVQA: QUANTITY,
  IVQA: QUANTITY,
  PUUN: A(3),
  PUPR: N(17, 6),
  PPUN: A(3),
  PUCD: N(5),
  LNAM: AMOUNT,
  DWDT: D('Delivery date'),
  VTCD: N(2),
  // Accounting identities (CRS630MI)
  AITP: N(1),
  AITM: A(8),
  TX40: A(40),
  TX15: A(15),
  AICL: A(1),
  LCCD: N(1),
  VFDT: D('Valid from date'),
  VTDT: D('Valid to date'),
  // Generic table export (EXPORTMI)
  QERY: A(4000),
  SEPC: A(1),
  HDRS: N(1),
  REPL: A(984),
  // Supplier invoice batch (APS450MI, APS455MI)
  INBN: N(10),
  IBTP: A(2),
  SINO: A(24),
  SPYN: A(10),
  IVDT: D('Invoice date'),
  ACDT: D('Accounting date'),
  DUDT: D('Due date'),
  CUAM: AMOUNT,
  VTAM: AMOUNT,
  CORI: A(36),
  SUPA: N(2),
  IBHE: N(1),
  IBLE: N(1),
  TLNA: AMOUNT,
  TRNO: N(7),
  RDTP: N(1),
  NLAM: AMOUNT,
  VTA1: AMOUNT,
  CHGT: A(40),
  AIT1: A(8),
  AIT2: A(8),
  AIT3: A(8),
  AIT4: A(8),
  AIT5: A(8),
  AIT6: A(8),
  AIT7: A(8),
  GRPR: N(17, 6),
  REPN: N(10),
  CINO: A(24),
  // Supplier ledger (APS200MI, FPLEDG, FGLEDG)
  INYR: N(4),
  YEA4: N(4),
  JRNO: N(7),
  JSNO: N(7),
  TRCD: N(2),
  APRV: N(1),
  RECO: N(1),
  REDE: D('Payment date'),
  PCUA: AMOUNT,
  OCUA: AMOUNT,
  PYST: N(1),
  ACAM: AMOUNT,
  VTXT: A(40),
};

export function fieldDef(name: string): FieldDef | undefined {
  return DICTIONARY[name];
}

/** Name used in messages about a field. */
export function fieldLabel(name: string): string {
  return DICTIONARY[name]?.label ?? name;
}

/**
 * Why `value` is not acceptable input for field `name`, or undefined when it is. The caller turns the
 * reason into the business error `"<label> <value> is invalid"` (§7 item 14).
 */
export function invalidInput(name: string, value: string): string | undefined {
  const def = DICTIONARY[name];
  if (!def) return undefined;
  switch (def.type) {
    case 'D':
      return isValidYmd(value) ? undefined : 'invalid';
    case 'N': {
      if (!isDecimal(value)) return 'invalid';
      const [whole = '', frac = ''] = value.replace(/^-/, '').split('.');
      const decimals = def.decimals ?? 0;
      if (frac.length > decimals) return 'invalid';
      if (whole.replace(/^0+(?=\d)/, '').length > def.length - decimals) return 'invalid';
      return undefined;
    }
    case 'A':
      return value.length > def.length ? 'too long' : undefined;
  }
}

/** The value as M3 sends it: A-fields right-padded with spaces to the field length (§2, §7 item 13). */
export function padOutput(name: string, value: string): string {
  const def = DICTIONARY[name];
  if (!def || def.type !== 'A') return value;
  return value.padEnd(def.length, ' ');
}
