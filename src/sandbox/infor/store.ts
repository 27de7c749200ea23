/**
 * The simulated M3 database of one tenant: suppliers, purchase orders, accounting identities, supplier invoice
 * batches and the supplier ledger. Rows are M3Records (every value a string) kept in M3 key order. Every
 * master-data row carries an LMTS, bumped when a row changes (apis/infor.md §6.2).
 */
import { formatCents, multiplyToCents, toCents } from './amounts.js';
import type { M3Record } from './envelope.js';
import { fieldDef } from './fields.js';
import { postBatch, SUPA, TRCD_SUPPLIER_INVOICE } from './invoice-posting.js';
import { LmtsSource } from './m3-time.js';
import type { InforSeed, InvoiceBatchSeed, LedgerInvoiceSeed } from './seed/types.js';

export interface PurchaseOrder {
  head: M3Record;
  /** In key order PNLI, PNLS. */
  lines: M3Record[];
}

export interface InvoiceBatch {
  head: M3Record;
  lines: M3Record[];
  /** Set while a delayed validation runs (§5.10): SUPA shows 10 until then, the posting happens then. */
  postsAtMs: number | undefined;
}

export interface LedgerInvoice {
  record: M3Record;
  coding: M3Record[];
  poRefs: M3Record[];
  imagePath: string;
}

export type TouchEntity = 'supplier' | 'purchaseOrder' | 'poLine' | 'account';

/** A change made "as an M3 user" (`POST /_sim/m3/touch`, §9). */
export interface TouchRequest {
  entity: TouchEntity;
  key: Record<string, string>;
  changes: Record<string, string>;
}

export interface StoreDefaults {
  cono: () => string;
  divi: () => string;
}

/** First batch number handed out, as in the examples of §5.8 / §7 item 8. */
const FIRST_INBN = 1_000_123;
/** Batch type and line type a seeded batch gets when it names none: supplier invoice, accounting line (§5.8, §5.9). */
const SEED_IBTP = '20';
const SEED_RDTP = '8';
const AIT_FIELDS = ['AIT1', 'AIT2', 'AIT3', 'AIT4', 'AIT5', 'AIT6', 'AIT7'] as const;
/** First journal number of a posting when the ledger is empty (example of §5.12). */
const FIRST_JRNO = 345;

/** Numeric key parts are zero-padded so plain string order is M3 key order. */
function num(value: string | undefined, width: number): string {
  return (value ?? '').padStart(width, '0');
}

const KEY_SEPARATOR = '\u0001';
const key = (...parts: string[]): string => parts.join(KEY_SEPARATOR);

export const supplierKey = (cono: string, suno: string): string => key(num(cono, 3), suno);
export const purchaseOrderKey = (cono: string, puno: string): string => key(num(cono, 3), puno);
export const accountKey = (cono: string, divi: string, aitp: string, aitm: string): string =>
  key(num(cono, 3), divi, num(aitp, 1), aitm);
const lineKey = (r: M3Record): string => key(num(r.PNLI, 5), num(r.PNLS, 3));
const ledgerKey = (r: M3Record): string =>
  key(num(r.CONO, 3), r.DIVI ?? '', num(r.YEA4, 4), num(r.JRNO, 7), num(r.JSNO, 7));

/** Rows by key, iterated in key order (sorted lazily after a change). */
export class SortedTable<T> {
  private readonly rows = new Map<string, T>();
  private sorted: T[] | undefined;

  constructor(private readonly keyOf: (row: T) => string) {}

  get(k: string): T | undefined {
    return this.rows.get(k);
  }

  put(row: T): void {
    this.rows.set(this.keyOf(row), row);
    this.sorted = undefined;
  }

  delete(k: string): void {
    this.rows.delete(k);
    this.sorted = undefined;
  }

  /** Mark the order stale after a row was changed in place. */
  changed(): void {
    this.sorted = undefined;
  }

  values(): readonly T[] {
    if (!this.sorted) {
      this.sorted = [...this.rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
    }
    return this.sorted;
  }

  get size(): number {
    return this.rows.size;
  }

  clear(): void {
    this.rows.clear();
    this.sorted = undefined;
  }
}

function needField(record: M3Record, field: string, what: string): string {
  const value = record[field];
  if (value === undefined || value === '') throw new Error(`${what} needs ${field}`);
  return value;
}

export class M3Store {
  readonly suppliers = new SortedTable<M3Record>((r) => supplierKey(r.CONO!, r.SUNO!));
  readonly purchaseOrders = new SortedTable<PurchaseOrder>((p) => purchaseOrderKey(p.head.CONO!, p.head.PUNO!));
  readonly accounts = new SortedTable<M3Record>((r) => accountKey(r.CONO!, r.DIVI!, r.AITP!, r.AITM!));
  /** By INBN; INBNs are handed out in increasing order, so insertion order is key order. */
  readonly batches = new Map<string, InvoiceBatch>();
  readonly ledger = new SortedTable<LedgerInvoice>((l) => ledgerKey(l.record));
  readonly lmts: LmtsSource;
  private nextInbn = FIRST_INBN;
  private nextJrno = FIRST_JRNO;

  /** The supplier invoice (TRCD 40) of the ledger with this key; the payee only checked when given. */
  findSupplierInvoice(k: { cono: string; divi: string; suno: string; sino: string; inyr: string; spyn?: string }): LedgerInvoice | undefined {
    return this.ledger
      .values()
      .find(
        ({ record: r }) =>
          r.CONO === k.cono &&
          r.DIVI === k.divi &&
          r.TRCD === TRCD_SUPPLIER_INVOICE &&
          r.SUNO === k.suno &&
          r.SINO === k.sino &&
          r.INYR === k.inyr &&
          (k.spyn === undefined || r.SPYN === k.spyn),
      );
  }

  constructor(
    lmts: LmtsSource,
    private readonly defaults: StoreDefaults,
  ) {
    this.lmts = lmts;
  }

  clear(): void {
    this.suppliers.clear();
    this.purchaseOrders.clear();
    this.accounts.clear();
    this.batches.clear();
    this.ledger.clear();
    this.nextInbn = FIRST_INBN;
    this.nextJrno = FIRST_JRNO;
    this.lmts.reset();
  }

  /** Add or replace rows by key; missing CONO/DIVI take the defaults, missing LMTS the current time. */
  seed(data: InforSeed): void {
    const cono = this.defaults.cono();
    const divi = this.defaults.divi();
    for (const s of data.suppliers ?? []) {
      needField(s, 'SUNO', 'a seeded supplier');
      const row: M3Record = { CONO: cono, STAT: '20', ...s };
      row.LMTS ||= this.lmts.next();
      row.PRSU ||= row.SUNO!;
      this.suppliers.put(row);
    }
    for (const po of data.purchaseOrders ?? []) {
      const head: M3Record = { CONO: cono, DIVI: divi, ...po.head };
      needField(head, 'PUNO', 'a seeded purchase order head');
      needField(head, 'SUNO', `purchase order ${head.PUNO}`);
      head.LMTS ||= this.lmts.next();
      const lines = (po.lines ?? []).map((l) => {
        const line: M3Record = { ...l, CONO: head.CONO!, PUNO: head.PUNO! };
        needField(line, 'PNLI', `a line of purchase order ${head.PUNO}`);
        line.PNLS ||= '0';
        line.LMTS ||= head.LMTS!;
        return line;
      });
      lines.sort((a, b) => (lineKey(a) < lineKey(b) ? -1 : 1));
      this.purchaseOrders.put({ head, lines });
    }
    for (const a of data.accountIds ?? []) {
      const row: M3Record = { CONO: cono, DIVI: divi, LCCD: '0', VTDT: '', ...a };
      needField(row, 'AITP', 'a seeded accounting identity');
      needField(row, 'AITM', 'a seeded accounting identity');
      row.LMTS ||= this.lmts.next();
      row.LMDT ||= row.LMTS!.slice(0, 8);
      this.accounts.put(row);
    }
    for (const inv of data.ledgerInvoices ?? []) this.addLedgerInvoice(this.ledgerFromSeed(inv, cono, divi));
    const batches = data.batches ?? [];
    for (const b of batches) this.seedBatch(b, cono, divi);
    // A seeded INBN may be lower than one handed out before; keep iteration in INBN order, as M3 lists them.
    if (batches.some((b) => b.head.INBN)) this.sortBatches();
  }

  /** Change a row as an M3 user would and bump its LMTS (§9 `/_sim/m3/touch`); throws when it does not exist. */
  touch(t: TouchRequest): M3Record {
    const cono = t.key.CONO ?? this.defaults.cono();
    const keyFields: Record<TouchEntity, string[]> = {
      supplier: ['CONO', 'SUNO'],
      purchaseOrder: ['CONO', 'PUNO'],
      poLine: ['CONO', 'PUNO', 'PNLI', 'PNLS'],
      account: ['CONO', 'DIVI', 'AITP', 'AITM'],
    };
    const fixed = keyFields[t.entity];
    if (!fixed) throw new Error(`unknown entity ${String(t.entity)}; expected supplier, purchaseOrder, poLine or account`);
    for (const [field, value] of Object.entries(t.changes)) {
      if (typeof value !== 'string') throw new Error(`change of ${field} must be a string`);
      if (!fieldDef(field)) throw new Error(`unknown M3 field ${field}`);
      if (fixed.includes(field) || field === 'LMTS') throw new Error(`${field} cannot be changed by touch`);
    }
    const lmts = this.lmts.next();
    switch (t.entity) {
      case 'supplier': {
        const row = this.suppliers.get(supplierKey(cono, t.key.SUNO ?? ''));
        if (!row) throw new Error(`supplier ${t.key.SUNO} does not exist in company ${cono}`);
        Object.assign(row, t.changes, { LMTS: lmts });
        return row;
      }
      case 'purchaseOrder': {
        const po = this.purchaseOrders.get(purchaseOrderKey(cono, t.key.PUNO ?? ''));
        if (!po) throw new Error(`purchase order ${t.key.PUNO} does not exist in company ${cono}`);
        Object.assign(po.head, t.changes, { LMTS: lmts });
        return po.head;
      }
      case 'poLine': {
        const po = this.purchaseOrders.get(purchaseOrderKey(cono, t.key.PUNO ?? ''));
        const pnls = t.key.PNLS ?? '0';
        const line = po?.lines.find((l) => l.PNLI === t.key.PNLI && l.PNLS === pnls);
        if (!line) throw new Error(`purchase order line ${t.key.PUNO}/${t.key.PNLI}/${pnls} does not exist in company ${cono}`);
        Object.assign(line, t.changes, { LMTS: lmts });
        // A changed quantity or price changes the line amount and the order total, as in M3.
        if (('ORQA' in t.changes || 'PUPR' in t.changes) && !('LNAM' in t.changes)) {
          line.LNAM = formatCents(multiplyToCents(line.ORQA ?? '0', line.PUPR ?? '0'));
        }
        const total = formatCents(po!.lines.reduce((sum, l) => sum + toCents(l.LNAM ?? '0'), 0n));
        po!.head.NTAM = total;
        po!.head.COAM = total;
        return line;
      }
      case 'account': {
        const divi = t.key.DIVI ?? this.defaults.divi();
        const row = this.accounts.get(accountKey(cono, divi, t.key.AITP ?? '', t.key.AITM ?? ''));
        if (!row) throw new Error(`accounting identity ${t.key.AITP}/${t.key.AITM} does not exist in ${cono}/${divi}`);
        Object.assign(row, t.changes, { LMTS: lmts, LMDT: lmts.slice(0, 8) });
        return row;
      }
    }
  }

  supplier(cono: string, suno: string): M3Record | undefined {
    return this.suppliers.get(supplierKey(cono, suno));
  }

  purchaseOrder(cono: string, puno: string): PurchaseOrder | undefined {
    return this.purchaseOrders.get(purchaseOrderKey(cono, puno));
  }

  account(cono: string, divi: string, aitp: string, aitm: string): M3Record | undefined {
    return this.accounts.get(accountKey(cono, divi, aitp, aitm));
  }

  newInbn(): string {
    return String(this.nextInbn++);
  }

  newJrno(): string {
    return String(this.nextJrno++);
  }

  addLedgerInvoice(inv: LedgerInvoice): void {
    const jrno = Number(inv.record.JRNO);
    if (Number.isInteger(jrno) && jrno >= this.nextJrno) this.nextJrno = jrno + 1;
    this.ledger.put(inv);
  }

  /** Add or replace a batch by INBN (a new one when the seed names none); SUPA 90 is booked in the ledger. */
  private seedBatch(seed: InvoiceBatchSeed, cono: string, divi: string): void {
    const head: M3Record = { CONO: cono, DIVI: divi, IBTP: SEED_IBTP, SINO: '', PUNO: '', CORI: '', IBHE: '0', IBLE: '0', ...seed.head };
    needField(head, 'SUNO', 'a seeded invoice batch');
    needField(head, 'IVDT', `the seeded invoice batch of supplier ${head.SUNO}`);
    const supplier = this.supplier(head.CONO!, head.SUNO!);
    head.SPYN ||= supplier?.PRSU || head.SUNO!;
    head.CUCD ||= supplier?.CUCD ?? '';
    head.TEPY ||= supplier?.TEPY ?? '';
    head.ACDT ||= head.IVDT!;
    head.DUDT ||= head.IVDT!;
    head.CUAM = formatCents(toCents(head.CUAM ?? '0'));
    head.VTAM = formatCents(toCents(head.VTAM ?? '0'));
    head.INBN = this.claimInbn(head.INBN);
    const lines = (seed.lines ?? []).map((l, i) => {
      const line: M3Record = {
        RDTP: SEED_RDTP, VTCD: '', CHGT: '', PUNO: '', PNLI: '', PNLS: '', IVQA: '', GRPR: '', REPN: '',
        ...Object.fromEntries(AIT_FIELDS.map((f) => [f, ''])),
        ...l,
        INBN: head.INBN!,
        TRNO: String(i + 1),
        CINO: head.SINO!,
        INYR: head.IVDT!.slice(0, 4),
      };
      line.NLAM = formatCents(toCents(line.NLAM ?? '0'));
      line.VTA1 = formatCents(toCents(line.VTA1 ?? '0'));
      return line;
    });
    head.TLNA = formatCents(lines.reduce((sum, l) => sum + toCents(l.NLAM!), 0n));
    const posted = head.SUPA === SUPA.POSTED;
    head.SUPA = posted ? SUPA.ENTERED : (head.SUPA || SUPA.ENTERED);
    head.LMDT ||= this.lmts.next().slice(0, 8);
    const batch: InvoiceBatch = { head, lines, postsAtMs: undefined };
    this.batches.set(head.INBN, batch);
    if (posted) postBatch(this, batch);
  }

  /** The seed's INBN (later ones are handed out above it), or the next free one. */
  private claimInbn(given: string | undefined): string {
    if (!given) return this.newInbn();
    const inbn = Number(given);
    if (!Number.isSafeInteger(inbn) || inbn <= 0) throw new Error(`a seeded invoice batch has INBN ${given}; expected a positive number`);
    if (inbn >= this.nextInbn) this.nextInbn = inbn + 1;
    return String(inbn);
  }

  private sortBatches(): void {
    const sorted = [...this.batches.entries()].sort(([a], [b]) => Number(a) - Number(b));
    this.batches.clear();
    for (const [k, v] of sorted) this.batches.set(k, v);
  }

  private ledgerFromSeed(seed: LedgerInvoiceSeed, cono: string, divi: string): LedgerInvoice {
    const { coding, poRefs, imagePath, ...fields } = seed;
    const record: M3Record = { CONO: cono, DIVI: divi, TRCD: '40', APRV: '1', RECO: '0', REDE: '', PCUA: '0.00' };
    for (const [k, v] of Object.entries(fields)) if (typeof v === 'string') record[k] = v;
    for (const f of ['SUNO', 'SINO', 'IVDT', 'CUAM']) needField(record, f, 'a seeded ledger invoice');
    record.SPYN ||= record.SUNO!;
    record.INYR ||= record.IVDT!.slice(0, 4);
    record.YEA4 ||= record.INYR!;
    record.JRNO ||= String(this.nextJrno);
    record.JSNO ||= '1';
    record.OCUA ||= record.CUAM!;
    record.LMTS ||= this.lmts.next();
    return { record, coding: coding ?? [], poRefs: poRefs ?? [], imagePath: imagePath ?? '' };
  }
}
