/**
 * Waiting between attempts: exponential backoff with full jitter (the wait is uniform in
 * [0, ceiling], so clients that failed together do not retry together), and Retry-After parsing.
 */
import type { RetryPolicy } from './types.js';

/** The backoff ceiling before retry number `retry` (1 = the first retry): base·factor^(retry-1), capped. */
export function backoffCeilingMs(policy: RetryPolicy, retry: number): number {
  const ceiling = policy.baseDelayMs * policy.factor ** Math.max(0, retry - 1);
  return Math.min(policy.maxDelayMs, ceiling);
}

/** A full-jitter wait before retry number `retry`. */
export function fullJitterDelayMs(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  return Math.floor(random() * (backoffCeilingMs(policy, retry) + 1));
}

/**
 * Seconds a Retry-After header asks for: delta-seconds or an HTTP-date (RFC 9110 §10.2.3).
 * Undefined when absent or unreadable; a date in the past is 0.
 */
export function parseRetryAfterSeconds(header: string | undefined, now: number = Date.now()): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}
