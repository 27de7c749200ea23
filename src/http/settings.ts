/**
 * The `http:` section every connector's config has, and how it becomes HttpClientOptions. One definition,
 * so each system only states its own defaults (Infor: one call at a time, 3000/min; Basware: 4 in flight,
 * 300/min) and every connector gets the same timeouts, retries and tracing.
 */
import { z } from 'zod';
import type { ConnectorDeps } from '../connectors/types.js';
import type { HttpClientOptions } from './types.js';

/** Backoff ceiling growth per attempt (apis/infor.md §8, apis/basware.md §7: ×2). */
const RETRY_FACTOR = 2;
/** 429 waits one call may take; they do not consume attempts, so this bounds a throttled call. */
const MAX_429_WAITS = 10;
/** Budget when a person is waiting for the answer (ping). */
const INTERACTIVE = { attempts: 2, maxRetryAfterSeconds: 10, max429Waits: 1 } as const;

export interface HttpDefaults {
  requestsPerMinute: number;
  concurrency: number;
  /** Longest Retry-After worth waiting for; a longer one ends the run as partial. */
  maxRetryAfterSeconds: number;
}

export function httpSettings(defaults: HttpDefaults) {
  return z
    .strictObject({
      /** Seconds to wait for one answer. */
      timeoutSeconds: z.coerce.number().positive().default(60),
      /** Client-side rate limit; 0 = none. */
      requestsPerMinute: z.coerce.number().int().nonnegative().default(defaults.requestsPerMinute),
      /** Requests in flight at once. */
      concurrency: z.coerce.number().int().positive().default(defaults.concurrency),
      /** Attempts in all for a call that may be repeated (reads, upserts). */
      retryAttempts: z.coerce.number().int().min(1).max(20).default(6),
      retryBaseMs: z.coerce.number().int().nonnegative().default(1000),
      retryMaxMs: z.coerce.number().int().positive().default(60_000),
      maxRetryAfterSeconds: z.coerce.number().int().positive().default(defaults.maxRetryAfterSeconds),
    })
    .prefault({});
}
export type HttpSettings = z.infer<ReturnType<typeof httpSettings>>;

/** Client options from a connector's http settings and the run's dependencies (redactor, trace). */
export function httpClientOptions(
  settings: HttpSettings,
  who: { system: string; displayName: string; baseUrl?: string },
  deps: Pick<ConnectorDeps, 'redactor' | 'trace' | 'interactive'>,
  sleep?: (ms: number) => Promise<void>,
): Omit<HttpClientOptions, 'auth'> {
  return {
    system: who.system,
    displayName: who.displayName,
    ...(who.baseUrl ? { baseUrl: who.baseUrl } : {}),
    timeoutMs: settings.timeoutSeconds * 1000,
    retry: {
      attempts: deps.interactive ? Math.min(settings.retryAttempts, INTERACTIVE.attempts) : settings.retryAttempts,
      baseDelayMs: settings.retryBaseMs,
      factor: RETRY_FACTOR,
      maxDelayMs: settings.retryMaxMs,
      maxRetryAfterSeconds: deps.interactive
        ? Math.min(settings.maxRetryAfterSeconds, INTERACTIVE.maxRetryAfterSeconds)
        : settings.maxRetryAfterSeconds,
      max429Waits: deps.interactive ? INTERACTIVE.max429Waits : MAX_429_WAITS,
    },
    rateLimit: { requestsPerMinute: settings.requestsPerMinute, concurrency: settings.concurrency },
    headers: { Accept: 'application/json' },
    redactor: deps.redactor,
    ...(deps.trace ? { trace: deps.trace } : {}),
    ...(sleep ? { sleep } : {}),
  };
}
