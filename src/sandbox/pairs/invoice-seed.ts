/**
 * Approved Basware invoices for the infor-basware sandbox, coded against the M3 default seed: the documents
 * Basware holds for transfer (AccountingDocumentEntity, apis/basware.md §4.5) and the two of them that M3 already
 * holds as posted batches (apis/infor.md §5.7, §5.12). Deterministic: a fixed PRNG seed, dates placed relative to
 * `now`. Every amount is whole cents and balances the way APS455MI/ValidByBatchNo checks it (§5.10):
 * netSum = Σ netTotal, taxSum1 = Σ taxSum, grossSum = netSum + taxSum1, and on each row grossTotal = netTotal + taxSum.
 *
 * What the documents are:
 * - ordinary: active supplier, active GL accounts and cost centres; mlsync posts them. One of them carries the same
 *   invoice number as an already-posted invoice of another supplier (the natural key is supplier + number).
 * - unmappedAccount: a row coded to an account that exists in no seed (6999); held until that account is mirrored.
 * - unmappedCostCenter: a row coded to a cost centre M3 does not have (CC999).
 * - alreadyPosted: in M3 as a posted batch (SUPA 90) with its ledger invoice; mlsync must recover them, not write.
 */
import { SEED_PAYMENT_TERMS } from '../infor/index.js';
import type { InforSeed, InvoiceBatchSeed, M3Record } from '../infor/index.js';
import { ymd } from '../infor/m3-time.js';
import { Prng } from '../infor/seed/prng.js';

export const INVOICE_SEED_COUNTS = { ordinary: 25, unmappedAccount: 3, unmappedCostCenter: 1, alreadyPosted: 2 } as const;
export type InvoiceKind = keyof typeof INVOICE_SEED_COUNTS;

/** The GL account no seed has: invoices coded to it wait until it is added to M3 and mirrored. */
export const MISSING_ACCOUNT = { code: '6999', name: 'Other operating costs' } as const;
/** The cost centre M3 does not have. */
export const MISSING_COST_CENTER = { code: 'CC999', name: 'Closed branch office' } as const;

export const DEFAULT_INVOICE_COMPANY = 'BW00';

const PRNG_SEED = 0x1d0c_2026;
const DAY_MS = 86_400_000;
const GL_AITP = '1';
/** Cost centres are accounting dimension 2 in the default config (contract.md, `[infor.m3.costCenterAitp]`). */
const COST_CENTER_AITP = '2';
/** Purchase and operating-cost account classes (BAS-like chart): where supplier invoices are coded. */
const EXPENSE_CLASSES = new Set(['4', '5', '6']);
const ACTIVE_SUPPLIER = '20';
/** VAT rates in percent with weights; the M3 VAT code (VTCD) is the rate as text, as in the default seed. */
const VAT_RATES: readonly (readonly [number, number])[] = [[25, 8], [12, 1], [0, 1]];
/** Suppliers outside the EU VAT area invoice without VAT. */
const NO_VAT_COUNTRIES = new Set(['US']);
const ROWS_PER_DOCUMENT: readonly [number, number] = [1, 4];
const ROW_NET_EUR: readonly [number, number] = [40, 4000];
const COST_CENTER_SHARE = 0.8;
const INVOICE_AGE_DAYS: readonly [number, number] = [3, 45];
const DEFAULT_TERM_DAYS = 30;
/** Rough value of one EUR, so amounts look plausible in each currency. */
const UNITS_PER_EUR: Record<string, number> = { EUR: 1, SEK: 11.5, NOK: 11.6, DKK: 7.46, PLN: 4.3, GBP: 0.85, USD: 1.08 };
/** M3 line text (CHGT) is short. */
const CHGT_LENGTH = 30;

export interface CodingRowSeed {
  externalCode: string;
  rowIndex: number;
  accountCode: string;
  accountName?: string;
  costCenterCode?: string;
  costCenterName?: string;
  netTotal: number;
  taxCode: string;
  taxPercent: number;
  taxSum: number;
  grossTotal: number;
}

/** The AccountingDocumentEntity fields the seed fills (names as in basware-p2p-openapi.json). */
export interface AccountingDocumentSeed {
  invoiceId: string;
  p2pProcessingMode: 'Standard';
  processingStatus: 'WaitingForTransfer';
  invoiceNumber: string;
  invoiceDate: string;
  dueDate: string;
  companyCode: string;
  organizationElementCode: string;
  supplierCode: string;
  supplierName: string;
  currencyCode: string;
  netSum: number;
  taxSum1: number;
  taxPercent1: number;
  grossSum: number;
  paymentBlock: false;
  paymentTermCode: string;
  description: string;
  orderNumbers: string[];
  codingRows: CodingRowSeed[];
  transferResponses: [];
  paymentResponses: [];
}

/** Where a document is (or will be) in M3: the lookup keys of APS450MI/LstInvBySupInv and APS200MI/GetInvTotInfo. */
export interface M3InvoiceKey {
  SUNO: string;
  SPYN: string;
  SINO: string;
  /** Year of the invoice date (§5.12). */
  INYR: string;
  /** Invoice total incl. VAT, as M3 writes it (`1250.00`): what `payInvoice` pays in full. */
  CUAM: string;
}

export interface InvoiceExpectations {
  ordinary: string[];
  unmappedAccount: string[];
  unmappedCostCenter: string[];
  alreadyPosted: string[];
  missingAccountCode: string;
  missingCostCenterCode: string;
  /** An ordinary document whose invoice number is that of an already-posted one of another supplier. */
  sameNumberOtherSupplier: string;
  /** invoiceId → M3 key, for every document. */
  m3Keys: Record<string, M3InvoiceKey>;
}

export interface InvoiceSeed {
  documents: AccountingDocumentSeed[];
  /** Seed for the Infor simulator (`infor.seed(...)`): the already-posted documents as SUPA 90 batches. */
  alreadyPostedInM3: InforSeed;
  expectations: InvoiceExpectations;
}

export interface InvoiceSeedOptions {
  /** Dates are placed before this instant (default: now); use the instant the Infor seed was made for. */
  now?: Date;
  /** Basware companyCode and organizationElementCode (default BW00). */
  companyCode?: string;
}

interface Coding {
  code: string;
  name: string;
}

/** What the Infor seed offers to code against. */
interface Catalog {
  suppliers: M3Record[];
  accounts: Coding[];
  costCenters: Coding[];
}

interface Built {
  doc: AccountingDocumentSeed;
  key: M3InvoiceKey;
  batch: InvoiceBatchSeed;
}

/** Active = not closed and today within VFDT..VTDT (apis/infor.md §5.6). */
function isActive(a: M3Record, today: string): boolean {
  return (a.LCCD ?? '0') === '0' && (a.VFDT ?? '') <= today && (!a.VTDT || a.VTDT >= today);
}

function catalogOf(seed: InforSeed, today: string): Catalog {
  const ids = seed.accountIds ?? [];
  for (const missing of [MISSING_ACCOUNT.code, MISSING_COST_CENTER.code]) {
    if (ids.some((a) => a.AITM === missing)) {
      throw new Error(`the Infor seed already has accounting identity ${missing}; the unmapped invoices need a code no seed has`);
    }
  }
  const active = (aitp: string) =>
    ids.filter((a) => a.AITP === aitp && isActive(a, today)).map((a) => ({ code: a.AITM!, name: a.TX40 ?? a.AITM! }));
  // Suppliers that pay themselves, so the payee (SPYN) is the supplier: the lookup key stays obvious.
  const suppliers = (seed.suppliers ?? []).filter(
    (s) => (s.STAT ?? ACTIVE_SUPPLIER) === ACTIVE_SUPPLIER && (!s.PRSU || s.PRSU === s.SUNO) && s.CUCD,
  );
  const catalog = {
    suppliers,
    accounts: active(GL_AITP).filter((a) => EXPENSE_CLASSES.has(a.code.slice(0, 1))),
    costCenters: active(COST_CENTER_AITP),
  };
  if (catalog.suppliers.length < 2 || catalog.accounts.length === 0 || catalog.costCenters.length === 0) {
    throw new Error('the Infor seed needs at least two active suppliers, an active expense account (AITP 1) and an active cost centre (AITP 2)');
  }
  return catalog;
}

function hex32(r: Prng): string {
  let s = '';
  for (let i = 0; i < 4; i++) s += Math.floor(r.next() * 2 ** 32).toString(16).padStart(8, '0');
  return s;
}

const amount = (cents: number): number => cents / 100;
const m3Amount = (cents: number): string => (cents / 100).toFixed(2);
const isoDay = (d: Date): string => `${d.toISOString().slice(0, 10)}T00:00:00.000Z`;

function termDays(tepy: string | undefined): number {
  return SEED_PAYMENT_TERMS.find((t) => t.code === tepy)?.days ?? DEFAULT_TERM_DAYS;
}

class DocumentFactory {
  private sequence = 0;

  constructor(
    private readonly r: Prng,
    private readonly catalog: Catalog,
    private readonly now: Date,
    private readonly companyCode: string,
  ) {}

  supplier(other?: M3Record): M3Record {
    for (;;) {
      const s = this.r.pick(this.catalog.suppliers);
      if (s !== other) return s;
    }
  }

  build(kind: InvoiceKind, supplier: M3Record, invoiceNumber?: string): Built {
    const { r } = this;
    const invoiceId = hex32(r);
    const invoiceDate = new Date(Date.UTC(this.now.getUTCFullYear(), this.now.getUTCMonth(), this.now.getUTCDate()) - r.int(...INVOICE_AGE_DAYS) * DAY_MS);
    const dueDate = new Date(invoiceDate.getTime() + termDays(supplier.TEPY) * DAY_MS);
    const number = invoiceNumber ?? `INV-${invoiceDate.getUTCFullYear()}-${String(++this.sequence).padStart(4, '0')}`;
    const currency = supplier.CUCD!;
    const rate = NO_VAT_COUNTRIES.has(supplier.CSCD ?? '') ? 0 : r.weighted(VAT_RATES);
    const rows: CodingRowSeed[] = [];
    const rowCount = r.int(...ROWS_PER_DOCUMENT);
    let rowIndex = 0;
    for (let i = 0; i < rowCount; i++) {
      // Basware row indexes may have gaps (apis/basware.md §4.5).
      rowIndex += r.chance(0.15) ? 2 : 1;
      const account = kind === 'unmappedAccount' && i === 0 ? undefined : r.pick(this.catalog.accounts);
      const costCenter: Coding | undefined =
        kind === 'unmappedCostCenter' && i === 0
          ? { ...MISSING_COST_CENTER }
          : r.chance(COST_CENTER_SHARE) ? r.pick(this.catalog.costCenters) : undefined;
      const [min, max] = ROW_NET_EUR;
      const net = Math.round((min + r.next() * (max - min)) * (UNITS_PER_EUR[currency] ?? 1) * 100);
      const tax = Math.round((net * rate) / 100);
      rows.push({
        externalCode: hex32(r),
        rowIndex,
        accountCode: account?.code ?? MISSING_ACCOUNT.code,
        ...(account ? { accountName: account.name } : {}),
        ...(costCenter ? { costCenterCode: costCenter.code, costCenterName: costCenter.name } : {}),
        netTotal: amount(net),
        taxCode: String(rate),
        taxPercent: rate,
        taxSum: amount(tax),
        grossTotal: amount(net + tax),
      });
    }
    const netCents = rows.reduce((sum, row) => sum + Math.round(row.netTotal * 100), 0);
    const taxCents = rows.reduce((sum, row) => sum + Math.round(row.taxSum * 100), 0);
    const doc: AccountingDocumentSeed = {
      invoiceId,
      p2pProcessingMode: 'Standard',
      processingStatus: 'WaitingForTransfer',
      invoiceNumber: number,
      invoiceDate: isoDay(invoiceDate),
      dueDate: isoDay(dueDate),
      companyCode: this.companyCode,
      organizationElementCode: this.companyCode,
      supplierCode: supplier.SUNO!,
      supplierName: supplier.SUNM ?? supplier.SUNO!,
      currencyCode: currency,
      netSum: amount(netCents),
      taxSum1: amount(taxCents),
      taxPercent1: rate,
      grossSum: amount(netCents + taxCents),
      paymentBlock: false,
      paymentTermCode: supplier.TEPY ?? '',
      description: rows[0]!.accountName ?? MISSING_ACCOUNT.name,
      orderNumbers: [],
      codingRows: rows,
      transferResponses: [],
      paymentResponses: [],
    };
    const ivdt = ymd(invoiceDate);
    const key: M3InvoiceKey = { SUNO: supplier.SUNO!, SPYN: supplier.SUNO!, SINO: number, INYR: ivdt.slice(0, 4), CUAM: m3Amount(netCents + taxCents) };
    const batch: InvoiceBatchSeed = {
      head: {
        SUNO: key.SUNO, SPYN: key.SPYN, SINO: number, IVDT: ivdt, ACDT: ivdt, DUDT: ymd(dueDate), CUCD: currency,
        CUAM: key.CUAM, VTAM: m3Amount(taxCents), TEPY: supplier.TEPY ?? '', CORI: invoiceId, SUPA: '90',
      },
      lines: rows.map((row) => ({
        RDTP: '8',
        NLAM: row.netTotal.toFixed(2),
        VTA1: row.taxSum.toFixed(2),
        VTCD: row.taxCode,
        AIT1: row.accountCode,
        AIT2: row.costCenterCode ?? '',
        CHGT: (row.accountName ?? '').slice(0, CHGT_LENGTH),
      })),
    };
    return { doc, key, batch };
  }
}

/**
 * The approved invoices of the sandbox, coded against `inforSeed` (normally `defaultInforSeed(now)`, with the same
 * `now`). Same inputs, same output.
 */
export function defaultInvoiceSeed(inforSeed: InforSeed, opts: InvoiceSeedOptions = {}): InvoiceSeed {
  const now = opts.now ?? new Date();
  const catalog = catalogOf(inforSeed, ymd(now));
  const r = new Prng(PRNG_SEED);
  const factory = new DocumentFactory(r, catalog, now, opts.companyCode ?? DEFAULT_INVOICE_COMPANY);
  const built: Record<InvoiceKind, Built[]> = { ordinary: [], unmappedAccount: [], unmappedCostCenter: [], alreadyPosted: [] };
  // Already-posted first, so an ordinary invoice of another supplier can reuse one of their numbers.
  for (const kind of ['alreadyPosted', 'unmappedAccount', 'unmappedCostCenter'] as const) {
    for (let i = 0; i < INVOICE_SEED_COUNTS[kind]; i++) built[kind].push(factory.build(kind, factory.supplier()));
  }
  const posted = built.alreadyPosted[0]!;
  const postedSupplier = catalog.suppliers.find((s) => s.SUNO === posted.key.SUNO);
  for (let i = 0; i < INVOICE_SEED_COUNTS.ordinary - 1; i++) built.ordinary.push(factory.build('ordinary', factory.supplier()));
  const sameNumber = factory.build('ordinary', factory.supplier(postedSupplier), posted.key.SINO);
  built.ordinary.push(sameNumber);

  const all = [...built.ordinary, ...built.unmappedAccount, ...built.unmappedCostCenter, ...built.alreadyPosted];
  const ids = (kind: InvoiceKind) => built[kind].map((b) => b.doc.invoiceId);
  return {
    documents: all.map((b) => b.doc),
    alreadyPostedInM3: { batches: built.alreadyPosted.map((b) => b.batch) },
    expectations: {
      ordinary: ids('ordinary'),
      unmappedAccount: ids('unmappedAccount'),
      unmappedCostCenter: ids('unmappedCostCenter'),
      alreadyPosted: ids('alreadyPosted'),
      missingAccountCode: MISSING_ACCOUNT.code,
      missingCostCenterCode: MISSING_COST_CENTER.code,
      sameNumberOtherSupplier: sameNumber.doc.invoiceId,
      m3Keys: Object.fromEntries(all.map((b) => [b.doc.invoiceId, b.key])),
    },
  };
}

/** M3 seed that creates an active accounting identity (fresh LMTS from the simulator clock, so the next mirror sees it). */
function identitySeed(aitp: string, code: string, name: string): InforSeed {
  return {
    accountIds: [
      { AITP: aitp, AITM: code, TX40: name, TX15: name.slice(0, 15), AICL: aitp === GL_AITP ? code.slice(0, 1) : '', LCCD: '0', VFDT: '20200101', VTDT: '' },
    ],
  };
}

/** Seed for the Infor simulator adding MISSING_ACCOUNT as an active GL account (AITP 1). */
export function missingAccountSeed(): InforSeed {
  return identitySeed(GL_AITP, MISSING_ACCOUNT.code, MISSING_ACCOUNT.name);
}

/** Seed for the Infor simulator adding MISSING_COST_CENTER as an active cost centre (AITP 2). */
export function missingCostCenterSeed(): InforSeed {
  return identitySeed(COST_CENTER_AITP, MISSING_COST_CENTER.code, MISSING_COST_CENTER.name);
}
