/** Fixed-window counters for the usage quotas of apis/infor.md §8 (windows aligned to UTC minutes and days). */

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

export type QuotaVerdict = { ok: true } | { ok: false; retryAfterSeconds: number };

export class WindowCounter {
  private readonly counts = new Map<string, { window: number; used: number }>();

  constructor(private readonly windowMs: number) {}

  /** Take one unit for `key` if fewer than `limit` were taken in the current window; a refusal takes nothing. */
  take(key: string, nowMs: number, limit: number): QuotaVerdict {
    const window = Math.floor(nowMs / this.windowMs);
    let entry = this.counts.get(key);
    if (!entry || entry.window !== window) {
      entry = { window, used: 0 };
      this.counts.set(key, entry);
    }
    if (entry.used >= limit) {
      // Seconds until the window resets (UTC midnight for the daily quotas), at least 1 (§8).
      const resetAt = (window + 1) * this.windowMs;
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((resetAt - nowMs) / 1000)) };
    }
    entry.used += 1;
    return { ok: true };
  }

  /** Give back a unit taken in the current window (a call that was refused by a later quota). */
  giveBack(key: string, nowMs: number): void {
    const entry = this.counts.get(key);
    if (entry && entry.window === Math.floor(nowMs / this.windowMs) && entry.used > 0) entry.used -= 1;
  }

  reset(): void {
    this.counts.clear();
  }
}
