/**
 * Tables EXPORTMI/Select can read (apis/infor.md §5.3, §5.13; names MODELED). A column is the table prefix +
 * the M3 field name (MPHEAD `IAPUNO`, MPLINE `IBPNLI`, FPLEDG `EPSINO`, FGLEDG `EGAIT1`). Rows are produced in
 * table key order for one company. To add a table, add one entry here.
 */
import type { M3Record } from './envelope.js';
import type { M3Store } from './store.js';
import { poHeadView, PO_HEAD_FIELDS, PO_LINE_FIELDS } from './transactions/pps200mi.js';

export interface ExportTable {
  prefix: string;
  /** Field names without prefix, CONO first. */
  fields: readonly string[];
  /** Rows of one company, in key order, keyed by field name without prefix. */
  rows(store: M3Store, cono: string): Iterable<M3Record>;
}

const LEDGER_FIELDS = [
  'CONO', 'DIVI', 'YEA4', 'JRNO', 'JSNO', 'TRCD', 'SPYN', 'SUNO', 'SINO', 'INYR', 'IVDT', 'DUDT', 'ACDT', 'CUCD', 'CUAM',
  'VTAM', 'PYME', 'APRV', 'RECO', 'REDE', 'PCUA', 'OCUA', 'LMTS',
] as const;

const LEDGER_LINE_FIELDS = [
  'CONO', 'DIVI', 'YEA4', 'JRNO', 'JSNO', 'AIT1', 'AIT2', 'AIT3', 'AIT4', 'AIT5', 'AIT6', 'AIT7', 'ACAM', 'CUAM', 'VTCD',
  'VTXT',
] as const;

export const EXPORT_TABLES: Readonly<Record<string, ExportTable>> = {
  MPHEAD: {
    prefix: 'IA',
    fields: [...PO_HEAD_FIELDS, 'LMTS'],
    *rows(store, cono) {
      for (const po of store.purchaseOrders.values()) if (po.head.CONO === cono) yield poHeadView(po);
    },
  },
  MPLINE: {
    prefix: 'IB',
    fields: ['CONO', ...PO_LINE_FIELDS, 'LMTS'],
    *rows(store, cono) {
      for (const po of store.purchaseOrders.values()) if (po.head.CONO === cono) yield* po.lines;
    },
  },
  FPLEDG: {
    prefix: 'EP',
    fields: LEDGER_FIELDS,
    *rows(store, cono) {
      for (const inv of store.ledger.values()) if (inv.record.CONO === cono) yield inv.record;
    },
  },
  FGLEDG: {
    prefix: 'EG',
    fields: LEDGER_LINE_FIELDS,
    *rows(store, cono) {
      for (const inv of store.ledger.values()) {
        if (inv.record.CONO !== cono) continue;
        const { CONO, DIVI, YEA4, JRNO, JSNO } = inv.record;
        for (const row of inv.coding) yield { ...row, CONO: CONO!, DIVI: DIVI!, YEA4: YEA4!, JRNO: JRNO!, JSNO: JSNO! };
      }
    },
  },
};
