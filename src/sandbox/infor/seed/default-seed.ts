/**
 * The default data set of the simulator: ~300 suppliers, ~120 purchase orders, ~60 GL accounts and ~25 cost centres
 * of company 100 / division AAA. Deterministic: a fixed PRNG seed, and every date and LMTS placed relative to `now`
 * (LMTS values spread over the 90 days before `now` and at least an hour old, so a watermark of "now − 5 min" sees
 * none of them again).
 */
import { formatCents, multiplyToCents, toCents } from '../amounts.js';
import type { M3Record } from '../envelope.js';
import { addDaysYmd, lmtsOf, ymd } from '../m3-time.js';
import { BUYERS, COST_CENTERS, COUNTRIES, type Country, GL_ACCOUNTS, ITEMS, NAME_STEMS, NAME_TRADES, WAREHOUSES } from './catalog.js';
import { Prng } from './prng.js';
import type { InforSeed, PurchaseOrderSeed } from './types.js';

export const SEED_COMPANY = '100';
export const SEED_DIVISION = 'AAA';
export const SEED_SUPPLIER_COUNT = 300;
export const SEED_PURCHASE_ORDER_COUNT = 120;

const PRNG_SEED = 0x4d3a_2024;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const HISTORY_DAYS = 90;
/** Newest seeded LMTS is at least this old. */
const NEWEST_STAMP_AGE_MS = HOUR_MS;
const BLOCKED_SUPPLIERS = 8;
const SUPPLIERS_WITH_OTHER_PAYEE = 6;
const SUNM_LENGTH = 36;
const FIRST_SUNO = 10001;
const FIRST_PUNO = 4_000_100;

/** Rough value of one EUR in each currency, so prices look plausible. */
const EUR_RATE: Record<string, number> = { EUR: 1, SEK: 11.5, NOK: 11.6, DKK: 7.46, PLN: 4.3, GBP: 0.85, USD: 1.08 };

const TERM_WEIGHTS: readonly (readonly [string, number])[] = [['30D', 55], ['60D', 15], ['15D', 15], ['10D', 15]];
const VAT_CODES: readonly (readonly [string, number])[] = [['25', 8], ['12', 1], ['0', 1]];

/** Accounts seeded closed (LCCD 1), expired (VTDT in the past) or not yet valid (VFDT in the future). */
const CLOSED_ACCOUNTS = new Set(['1220', '5610', '6970', 'CC140']);
const EXPIRED_ACCOUNTS = new Set(['6150', '6250', 'CC510']);
const FUTURE_ACCOUNTS = new Set(['6980']);

/** A few suppliers pinned to the examples of apis/infor.md §5.1. */
const PINNED: Record<number, M3Record & { country: string }> = {
  0: { country: 'SE', SUNM: 'Acme Components Ltd', CUCD: 'EUR', TEPY: '30D', PYME: 'BTR', TINO: 'SE556677889901' },
  6: { country: 'SE', SUNM: 'Nordic Freight AB', CUCD: 'SEK', TEPY: '15D', PYME: 'BTR', TINO: '' },
};

class Stamps {
  private readonly newest: number;
  private readonly oldest: number;
  constructor(
    private readonly r: Prng,
    now: Date,
  ) {
    this.newest = now.getTime() - NEWEST_STAMP_AGE_MS;
    this.oldest = now.getTime() - HISTORY_DAYS * DAY_MS;
  }
  /** A random instant in [from, newest], from clamped to the 90-day history. */
  between(fromMs: number = this.oldest): number {
    const from = Math.min(Math.max(fromMs, this.oldest), this.newest);
    return from + Math.floor(this.r.next() * (this.newest - from));
  }
  lmts(fromMs?: number): string {
    return lmtsOf(new Date(this.between(fromMs)));
  }
}

function money(r: Prng, [min, max]: readonly [number, number], currency: string): string {
  const value = (min + r.next() * (max - min)) * (EUR_RATE[currency] ?? 1);
  return (Math.round(value * 100) / 100).toFixed(2);
}

function supplierName(r: Prng, country: Country, used: Set<string>): string {
  for (;;) {
    const name = `${r.pick(NAME_STEMS)} ${r.pick(NAME_TRADES)} ${r.pick(country.suffixes)}`;
    if (name.length <= SUNM_LENGTH && !used.has(name)) {
      used.add(name);
      return name;
    }
  }
}

function suppliers(r: Prng, stamps: Stamps): M3Record[] {
  const used = new Set(Object.values(PINNED).map((p) => p.SUNM!));
  const countryWeights = COUNTRIES.map((c) => [c, c.weight] as const);
  const rows: M3Record[] = [];
  for (let i = 0; i < SEED_SUPPLIER_COUNT; i++) {
    const pinned = PINNED[i];
    const country = pinned ? COUNTRIES.find((c) => c.cscd === pinned.country)! : r.weighted(countryWeights);
    const suno = String(FIRST_SUNO + i);
    const tino = r.chance(0.08) ? '' : country.taxId(r);
    const row: M3Record = {
      SUNO: suno,
      SUNM: supplierName(r, country, used),
      SUTY: '0',
      STAT: '20',
      LNCD: country.lncd,
      PHNO: `${country.phonePrefix} ${r.digits(2)} ${r.digits(3)} ${r.digits(4)}`,
      CSCD: country.cscd,
      ECAR: country.areas.length > 0 ? r.pick(country.areas) : '',
      SUA1: `${r.pick(country.streets)} ${r.int(1, 180)}`,
      SUA2: '',
      SUA3: '',
      SUA4: '',
      PONO: country.postalCode(r),
      TOWN: r.pick(country.cities),
      CUCD: r.weighted(country.currencies),
      TEPY: r.weighted(TERM_WEIGHTS),
      PYME: r.weighted(country.paymentMethods),
      TINO: tino,
      VRNO: country.cscd === 'US' ? '' : tino,
      CORG: r.digits(10),
      PRSU: suno,
      LMTS: stamps.lmts(),
    };
    if (pinned) {
      const { country: _country, ...fields } = pinned;
      Object.assign(row, fields, { VRNO: fields.TINO });
    }
    rows.push(row);
  }
  const payeeOfOthers = new Set<string>();
  // An active supplier that pays itself and is nobody's payee (the pinned examples stay untouched).
  const free = (): M3Record => {
    for (;;) {
      const candidate = rows[r.int(10, rows.length - 1)]!;
      if (candidate.STAT === '20' && candidate.PRSU === candidate.SUNO && !payeeOfOthers.has(candidate.SUNO!)) return candidate;
    }
  };
  for (let n = 0; n < BLOCKED_SUPPLIERS; n++) free().STAT = '90';
  for (let n = 0; n < SUPPLIERS_WITH_OTHER_PAYEE; n++) {
    // A different payee (e.g. a factoring company) in the same currency.
    const supplier = free();
    const payees = rows.filter((p) => p !== supplier && p.STAT === '20' && p.CUCD === supplier.CUCD && p.PRSU === p.SUNO);
    if (payees.length > 0) {
      supplier.PRSU = r.pick(payees).SUNO!;
      payeeOfOthers.add(supplier.PRSU);
    }
  }
  return rows;
}

function purchaseOrders(r: Prng, stamps: Stamps, now: Date, supplierRows: M3Record[]): PurchaseOrderSeed[] {
  const active = supplierRows.filter((s) => s.STAT === '20');
  const goods = ITEMS.filter((i) => !i.service);
  const services = ITEMS.filter((i) => i.service);
  const orders: PurchaseOrderSeed[] = [];
  let puno = FIRST_PUNO;
  for (let n = 0; n < SEED_PURCHASE_ORDER_COUNT; n++) {
    puno += r.int(1, 3);
    const supplier = r.pick(active);
    const currency = supplier.CUCD!;
    const ageDays = r.int(1, HISTORY_DAYS - 1);
    const orderedAt = now.getTime() - ageDays * DAY_MS;
    const pudt = ymd(new Date(orderedAt));
    const headStampMs = stamps.between(orderedAt);
    const serviceOrder = r.chance(0.15);
    const catalog = serviceOrder ? services : goods;
    const lines: M3Record[] = [];
    const lineCount = r.int(1, 8);
    for (let l = 1; l <= lineCount; l++) {
      const item = r.pick(catalog);
      const qty = r.int(item.qty[0], item.qty[1]);
      const price = money(r, item.price, currency);
      // Older orders are more likely received and invoiced (M3 status 15 confirmed, 50 received, 85 invoiced).
      const status = ageDays < 7 ? r.weighted([['15', 8], ['50', 2]] as const) : r.weighted([['15', 2], ['50', 5], ['85', 3]] as const);
      const received = status === '15' ? 0 : status === '50' && r.chance(0.2) ? Math.floor(qty * 0.6) : qty;
      lines.push({
        PNLI: String(l * 10),
        PNLS: '0',
        ITNO: item.itno,
        PITD: item.name,
        ORQA: String(qty),
        RVQA: String(received),
        IVQA: status === '85' ? String(received) : '0',
        PUUN: item.unit,
        PUPR: price,
        PPUN: item.unit,
        PUCD: '1',
        LNAM: formatCents(multiplyToCents(String(qty), price)),
        PUSL: status,
        PUST: status,
        DWDT: addDaysYmd(pudt, r.int(5, 30)),
        VTCD: r.weighted(VAT_CODES),
        LMTS: status === '15' ? lmtsOf(new Date(headStampMs)) : stamps.lmts(headStampMs),
      });
    }
    const total = formatCents(lines.reduce((sum, l) => sum + toCents(l.LNAM!), 0n));
    orders.push({
      head: {
        PUNO: String(puno),
        SUNO: supplier.SUNO!,
        PUDT: pudt,
        CUCD: currency,
        TEPY: supplier.TEPY!,
        DIVI: SEED_DIVISION,
        FACI: 'A01',
        WHLO: r.pick(WAREHOUSES),
        BUYE: r.pick(BUYERS),
        NTAM: total,
        COAM: total,
        ORTY: serviceOrder ? 'P20' : 'P10',
        LMTS: lmtsOf(new Date(headStampMs)),
      },
      lines,
    });
  }
  return orders;
}

function accountIds(r: Prng, stamps: Stamps, now: Date): M3Record[] {
  const today = ymd(now);
  const row = (aitp: string, aitm: string, name: string): M3Record => {
    const lmts = stamps.lmts();
    return {
      DIVI: SEED_DIVISION,
      AITP: aitp,
      AITM: aitm,
      TX40: name,
      TX15: name.slice(0, 15),
      AICL: aitp === '1' ? aitm.slice(0, 1) : '',
      LCCD: CLOSED_ACCOUNTS.has(aitm) ? '1' : '0',
      VFDT: FUTURE_ACCOUNTS.has(aitm) ? addDaysYmd(today, r.int(20, 60)) : r.pick(['20200101', '20200101', '20220101']),
      VTDT: EXPIRED_ACCOUNTS.has(aitm) ? addDaysYmd(today, -r.int(30, 200)) : '',
      LMDT: lmts.slice(0, 8),
      LMTS: lmts,
    };
  };
  return [...GL_ACCOUNTS.map(([aitm, name]) => row('1', aitm, name)), ...COST_CENTERS.map(([aitm, name]) => row('2', aitm, name))];
}

/** The default data set, placed relative to `now` (the simulator passes its clock). */
export function defaultInforSeed(now: Date = new Date()): InforSeed {
  const r = new Prng(PRNG_SEED);
  const stamps = new Stamps(r, now);
  const supplierRows = suppliers(r, stamps);
  return {
    suppliers: supplierRows.map((s) => ({ CONO: SEED_COMPANY, ...s })),
    purchaseOrders: purchaseOrders(r, stamps, now, supplierRows).map((po) => ({ ...po, head: { CONO: SEED_COMPANY, ...po.head } })),
    accountIds: accountIds(r, stamps, now).map((a) => ({ CONO: SEED_COMPANY, ...a })),
  };
}
