/** Decimal strings as M3 sends them (`1250.00`, point, no thousands separator; apis/infor.md §2), compared exactly. */

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

export function isDecimal(s: string): boolean {
  return DECIMAL.test(s);
}

/** Scaled integer of a decimal string at `scale` fraction digits (extra digits are cut, not rounded). */
function scaled(s: string, scale: number): bigint {
  const m = DECIMAL.exec(s.trim() === '' ? '0' : s.trim());
  if (!m) throw new Error(`not a decimal: ${s}`);
  const frac = (m[3] ?? '').padEnd(scale, '0').slice(0, scale);
  const value = BigInt((m[2] ?? '0') + frac);
  return m[1] === '-' ? -value : value;
}

function fractionDigits(s: string): number {
  return DECIMAL.exec(s.trim())?.[3]?.length ?? 0;
}

/** Compare two decimal strings numerically; `""` counts as 0. */
export function compareDecimal(a: string, b: string): number {
  const scale = Math.max(fractionDigits(a), fractionDigits(b));
  const x = scaled(a, scale);
  const y = scaled(b, scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Amount in hundredths (cents). */
export function toCents(s: string): bigint {
  return scaled(s, 2);
}

export function formatCents(cents: bigint): string {
  const neg = cents < 0n;
  const abs = neg ? -cents : cents;
  const whole = abs / 100n;
  const frac = String(abs % 100n).padStart(2, '0');
  return `${neg ? '-' : ''}${whole}.${frac}`;
}

/** `qty × price` rounded half-up to cents, for derived line amounts. */
export function multiplyToCents(qty: string, price: string): bigint {
  const q = scaled(qty, 6);
  const p = scaled(price, 6);
  const product = q * p; // scale 12
  const divisor = 10n ** 10n;
  const neg = product < 0n;
  const abs = neg ? -product : product;
  const rounded = (abs + divisor / 2n) / divisor;
  return neg ? -rounded : rounded;
}
