/**
 * M3 value conventions (apis/infor.md §2): every value is a string, dates `yyyyMMdd`, decimals with
 * `.`, unset dates `""`/`"0"`/`"00000000"`, change timestamps (LMTS) as 17 digits `yyyyMMddHHmmssSSS`.
 */

/** One M3 output record after trimming: field name → string value. */
export type M3Record = Record<string, string>;

/** A value that does not follow the M3 conventions; becomes the reason of an invalid item. */
export class M3ValueError extends Error {
  constructor(
    readonly field: string,
    readonly value: string,
    problem: string,
  ) {
    super(`${field} "${value}" ${problem}`);
    this.name = 'M3ValueError';
  }
}

const UNSET_DATES = new Set(['', '0', '00000000']);
const DECIMAL = /^-?\d+(\.\d+)?$/;
const M3_DATE = /^(\d{4})(\d{2})(\d{2})$/;
const LMTS = /^\d{1,18}$/;

/** Output values are right-padded unless righttrim works; trim them all anyway (§2, §7.13). */
export function trimRecord(raw: Record<string, unknown>): M3Record {
  const out: M3Record = {};
  for (const [k, v] of Object.entries(raw)) {
    out[k] = v === null || v === undefined ? '' : String(v).trim();
  }
  return out;
}

/** A text field; empty becomes undefined. */
export function text(rec: M3Record, field: string): string | undefined {
  const v = rec[field];
  return v === undefined || v === '' ? undefined : v;
}

/** `yyyyMMdd` → `YYYY-MM-DD`; unset → undefined; anything else throws. */
export function m3Date(rec: M3Record, field: string): string | undefined {
  const v = rec[field] ?? '';
  if (UNSET_DATES.has(v)) return undefined;
  const m = M3_DATE.exec(v);
  if (!m) throw new M3ValueError(field, v, 'is not a date in yyyyMMdd form');
  const [, y, mo, d] = m;
  const iso = `${y}-${mo}-${d}`;
  const parsed = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== iso) {
    throw new M3ValueError(field, v, 'is not a valid calendar date');
  }
  return iso;
}

/** A decimal with `.`; empty → undefined; a comma or other text throws. */
export function m3Decimal(rec: M3Record, field: string): number | undefined {
  const v = rec[field] ?? '';
  if (v === '') return undefined;
  if (!DECIMAL.test(v)) throw new M3ValueError(field, v, 'is not a number (M3 decimals use "." and no separators)');
  return Number(v);
}

/** A decimal that must be present. */
export function m3RequiredDecimal(rec: M3Record, field: string): number {
  const n = m3Decimal(rec, field);
  if (n === undefined) throw new M3ValueError(field, '', 'is empty; a number is required');
  return n;
}

/** The 17-digit LMTS (UTC) of an instant: `yyyyMMddHHmmssSSS`. */
export function formatLmts(at: Date): string {
  return at.toISOString().replace(/[-:TZ.]/g, '').slice(0, 17);
}

export function isLmts(value: string): boolean {
  return LMTS.test(value);
}

/** Compares two LMTS values numerically (they may differ in length when one is N18-padded). */
export function compareLmts(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The larger of two LMTS values, either possibly null. */
export function maxLmts(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return compareLmts(a, b) >= 0 ? a : b;
}

/** `YYYY-MM-DD` of an instant in UTC, as M3 `yyyyMMdd`. */
export function m3DateOf(at: Date): string {
  return at.toISOString().slice(0, 10).replace(/-/g, '');
}
