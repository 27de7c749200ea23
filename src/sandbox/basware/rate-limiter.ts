/**
 * Rolling-window request budget per key (apis/basware.md §7, M4): at most `limit` admitted requests in
 * any 60 s. A rejected request is not recorded, so it does not use up budget.
 */

const WINDOW_MS = 60_000;

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

export class RollingWindowLimiter {
  private readonly admitted = new Map<string, number[]>();

  take(key: string, limit: number, nowMs: number): RateDecision {
    const since = nowMs - WINDOW_MS;
    const times = (this.admitted.get(key) ?? []).filter((t) => t > since);
    if (times.length >= limit) {
      this.admitted.set(key, times);
      // The oldest admitted request leaves the window first; that is when a slot frees.
      const oldest = times[times.length - limit] ?? nowMs;
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + WINDOW_MS - nowMs) / 1000)) };
    }
    times.push(nowMs);
    this.admitted.set(key, times);
    return { ok: true };
  }

  clear(): void {
    this.admitted.clear();
  }
}
