/**
 * Simulator settings (`PUT /_sim/config`, apis/basware.md §8) and the fault switches tests flip. Every key
 * has the documented default; a partial update changes only the keys it names.
 */
import { z } from 'zod';

/**
 * Which requests a fault switch hits. A bare number N means "the next N API calls": every `/v1/...` path
 * except `/v1/tokens`, so a harness can break the data call without breaking the token fetch before it.
 * The object form narrows (or widens) that: `pathPrefix` is matched against the request path (so
 * `/v1/tokens` or `/_s3/` can be targeted explicitly) and `method` against the HTTP method.
 */
export interface FaultSpec {
  count: number;
  method?: string;
  pathPrefix?: string;
}

export interface RateLimitFaultSpec extends FaultSpec {
  retryAfterSeconds: number;
}

export type ContinuationTokenPlacement = 'final' | 'redirect' | 'both';

export interface BaswareSimConfig {
  /** `expires_in` of issued tokens; the JWT carries exp = iat + this (§2, M2). */
  tokenLifetimeSeconds: number;
  /** API requests per rolling 60 s per API account before 429 (§7). */
  ratePerMinute: number;
  /** Token requests per rolling 60 s per client_id before 429 (§7: 20/min). */
  tokenRatePerMinute: number;
  /** Phase-2 delay: requests are processed FIFO this long after they were accepted (§4.4). */
  asyncDelayMs: number;
  /** How long a PATCH holds its order line; a second PATCH in the window gets 503 (§4.2). */
  patchLockMs: number;
  /** `X-Amz-Expires` of redirect URLs (§3.3). */
  presignTtlSeconds: number;
  /** Base of redirect URLs; null means this simulator's own origin (§3.3). */
  presignBaseUrl: string | null;
  /** Which response of a redirected list carries the continuation token (§3.3, M5). */
  continuationTokenOn: ContinuationTokenPlacement;
  /** Cap on records per page whatever the pageSize, so short pages with a token can be forced (§3.3); null = no cap. */
  maxDocsPerPage: number | null;
  /** Company codes that exist in P2P; anything else is a phase-2 item error (§4.4). */
  companies: string[];
  /** Payment term codes that exist in P2P; a vendor using another is a phase-2 item error (§4.4). */
  paymentTerms: string[];
  /** Waits before delivery attempts 2, 3, … of a push notification (§6: 30 s, 2 min, 10 min, 30 min); tests shorten them. */
  webhookRetryDelaysMs: number[];
  /** A webhook that has not answered within this long counts as a failed attempt (§6: 10 s). */
  webhookTimeoutMs: number;

  // ---- Fault switches (simulator only). Counters go down as they fire; 0 / null means off. ----
  /** Every request (API, `/_s3`, not `/_sim`) waits this long before it is handled. */
  latencyMs: number;
  /** Answer 503 ResponseEntityList TECHNICAL/UNEXPECTED_ERROR without touching any state. */
  fail5xxNext: FaultSpec;
  /** Answer 500 ResponseEntityList TECHNICAL/UNEXPECTED_ERROR without touching any state. */
  fail500Next: FaultSpec;
  /** Answer 429 `{"message":"Too Many Requests"}` with `Retry-After: retryAfterSeconds`, without touching state or the rate budget. */
  rateLimitNext: RateLimitFaultSpec | null;
  /** Destroy the connection without any answer (a connection reset before the request is handled). */
  resetNext: FaultSpec;
  /** Handle the request fully (the import is accepted and queued, the ack applied), then answer 502 instead. */
  failAfterCommitNext: FaultSpec;
}

export const DEFAULT_CONFIG: BaswareSimConfig = {
  tokenLifetimeSeconds: 3600,
  ratePerMinute: 300,
  tokenRatePerMinute: 20,
  asyncDelayMs: 1000,
  patchLockMs: 500,
  presignTtlSeconds: 900,
  presignBaseUrl: null,
  continuationTokenOn: 'final',
  maxDocsPerPage: null,
  companies: ['BW00'],
  paymentTerms: ['Net30'],
  webhookRetryDelaysMs: [30_000, 120_000, 600_000, 1_800_000],
  webhookTimeoutMs: 10_000,
  latencyMs: 0,
  fail5xxNext: { count: 0 },
  fail500Next: { count: 0 },
  rateLimitNext: null,
  resetNext: { count: 0 },
  failAfterCommitNext: { count: 0 },
};

const faultSpec = z.union([
  z.number().int().min(0).transform((count): FaultSpec => ({ count })),
  z.strictObject({ count: z.number().int().min(0), method: z.string().optional(), pathPrefix: z.string().optional() }),
]);

/** What `PUT /_sim/config` and `setConfig` accept: any subset of the keys, faults as N or {count, method?, pathPrefix?}. */
export const configPatchSchema = z
  .strictObject({
    tokenLifetimeSeconds: z.number().int().positive(),
    ratePerMinute: z.number().int().positive(),
    tokenRatePerMinute: z.number().int().positive(),
    asyncDelayMs: z.number().int().min(0),
    patchLockMs: z.number().int().min(0),
    presignTtlSeconds: z.number().int().positive(),
    presignBaseUrl: z.url().nullable(),
    continuationTokenOn: z.enum(['final', 'redirect', 'both']),
    maxDocsPerPage: z.number().int().positive().nullable(),
    companies: z.array(z.string().min(1)),
    paymentTerms: z.array(z.string().min(1)),
    webhookRetryDelaysMs: z.array(z.number().int().min(0)),
    webhookTimeoutMs: z.number().int().positive(),
    latencyMs: z.number().int().min(0),
    fail5xxNext: faultSpec,
    fail500Next: faultSpec,
    rateLimitNext: z
      .strictObject({
        count: z.number().int().min(0),
        retryAfterSeconds: z.number().int().min(1),
        method: z.string().optional(),
        pathPrefix: z.string().optional(),
      })
      .nullable(),
    resetNext: faultSpec,
    failAfterCommitNext: faultSpec,
  })
  .partial();

export type BaswareSimConfigPatch = z.input<typeof configPatchSchema>;

/** Apply a partial update; throws a readable message naming the bad keys. */
export function applyConfigPatch(current: BaswareSimConfig, patch: unknown): void {
  const parsed = configPatchSchema.safeParse(patch);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
    throw new Error(`invalid simulator config: ${problems.join('; ')}`);
  }
  Object.assign(current, parsed.data);
}

export function defaultConfig(): BaswareSimConfig {
  return structuredClone(DEFAULT_CONFIG);
}
