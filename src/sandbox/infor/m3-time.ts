/** M3 date and timestamp values: dates `yyyyMMdd`, LMTS 17 digits `yyyyMMddHHmmssSSS`, all UTC (apis/infor.md §2, §5.1). */
import type { SimClock } from '../kit/server.js';

const YMD = /^(\d{4})(\d{2})(\d{2})$/;
const MS_PER_DAY = 86_400_000;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** `yyyyMMdd` of an instant, in UTC. */
export function ymd(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}`;
}

/** The 17-digit M3 change timestamp of an instant. */
export function lmtsOf(d: Date): string {
  return (
    ymd(d) +
    pad(d.getUTCHours(), 2) +
    pad(d.getUTCMinutes(), 2) +
    pad(d.getUTCSeconds(), 2) +
    pad(d.getUTCMilliseconds(), 3)
  );
}

/** True for a real calendar date written `yyyyMMdd`. */
export function isValidYmd(s: string): boolean {
  const m = YMD.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** Midnight UTC of a valid `yyyyMMdd`. */
export function ymdToDate(s: string): Date {
  return new Date(Date.UTC(Number(s.slice(0, 4)), Number(s.slice(4, 6)) - 1, Number(s.slice(6, 8))));
}

export function addDaysYmd(s: string, days: number): string {
  return ymd(new Date(ymdToDate(s).getTime() + days * MS_PER_DAY));
}

/** Hands out LMTS values from the simulator clock, strictly increasing so a touch is always seen as newer. */
export class LmtsSource {
  private lastMs = 0;
  constructor(private readonly clock: SimClock) {}

  next(): string {
    const ms = Math.max(this.clock.nowMs(), this.lastMs + 1);
    this.lastMs = ms;
    return lmtsOf(new Date(ms));
  }

  reset(): void {
    this.lastMs = 0;
  }
}
