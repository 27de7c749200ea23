/**
 * Switches of the Infor simulator: the `[sim.*]` keys of apis/infor.md (§3, §5.10, §8, §9) plus deterministic
 * fault switches for tests. Set with `PUT /_sim/config` or `InforSimulator.setConfig`; both take the same keys.
 */
import { z } from 'zod';

export interface RateLimitNext {
  /** How many of the next gateway calls get 429. */
  count: number;
  /** The `Retry-After` they carry. */
  retryAfterSeconds: number;
}

export interface InforSimConfig {
  /** `expires_in` of new access tokens (§3). Applies to tokens issued after the change. */
  tokenTtlSeconds: number;
  /** Token responses carry a `refresh_token` ("Issue Refresh Tokens" on the app, §3). */
  issueRefreshToken: boolean;
  /** Each refresh returns a new refresh token and the previous one becomes `invalid_grant` (§7 item 4). */
  rotateRefreshToken: boolean;
  /** Tokens issued per client per UTC day; more → 429 with Retry-After to UTC midnight (§8). */
  tokensPerDay: number;
  /** Token-endpoint requests per tenant per clock minute (service-account authentications, §8). */
  authPerMinute: number;
  /** Gateway calls per tenant per clock minute (§8). */
  callsPerMinute: number;
  /** Gateway calls per tenant per UTC day (§8). */
  callsPerDay: number;
  /** What `maxrecs=0` ("all") and any larger `maxrecs` are capped at (§1). */
  simMaxRecs: number;
  /** ValidByBatchNo succeeds at once but SUPA stays 10 this long before the posting shows (§5.10). */
  validationDelaySeconds: number;
  /** A-fields come back right-padded unless the call says `righttrim=true` (§2). */
  padOutput: boolean;
  /** Probability (0..1) that a gateway call gets 503 before executing: no side effect (§7 item 25). */
  fail5xxRate: number;
  /** `PGM/TRN` names that execute (and commit) and then answer 502 (§7 item 25), e.g. `["APS450MI/AddHead"]`. */
  failAfterCommit: string[];
  /** Companies (CONO) the API user may access; others → "Not authorized for company N" (§7 item 15). */
  allowedCompanies: number[];
  /** The API user's default company, used when a call has no `cono` (§2). */
  defaultCono: number;
  /** Division used when a call gives neither a DIVI field nor a `divi` option. */
  defaultDivi: string;
  /** Every gateway and token call waits this long before it is handled. */
  latencyMs: number;
  /** The next N gateway calls answer 503 before executing (no side effect); counts down. */
  fail5xxNext: number;
  /** The next `count` gateway calls answer 429 with `Retry-After: retryAfterSeconds`; counts down. null = off. */
  rateLimitNext: RateLimitNext | null;
  /** The next N gateway calls have their connection destroyed without any response (before executing); counts down. */
  resetNext: number;
}

export const DEFAULT_INFOR_SIM_CONFIG: Readonly<InforSimConfig> = Object.freeze({
  tokenTtlSeconds: 7200,
  issueRefreshToken: true,
  rotateRefreshToken: false,
  tokensPerDay: 100,
  authPerMinute: 20,
  callsPerMinute: 3000,
  callsPerDay: 250_000,
  simMaxRecs: 10_000,
  validationDelaySeconds: 0,
  padOutput: true,
  fail5xxRate: 0,
  failAfterCommit: [],
  allowedCompanies: [100],
  defaultCono: 100,
  defaultDivi: 'AAA',
  latencyMs: 0,
  fail5xxNext: 0,
  rateLimitNext: null,
  resetNext: 0,
});

const count = z.number().int().nonnegative();
const company = z.union([z.number().int().min(0).max(999), z.string().regex(/^\d{1,3}$/).transform(Number)]);

/** A partial config as `PUT /_sim/config` accepts it; unknown keys are refused so a typo does not pass silently. */
export const InforSimConfigPatch = z
  .strictObject({
    tokenTtlSeconds: z.number().int().positive(),
    issueRefreshToken: z.boolean(),
    rotateRefreshToken: z.boolean(),
    tokensPerDay: count,
    authPerMinute: count,
    callsPerMinute: count,
    callsPerDay: count,
    simMaxRecs: z.number().int().positive(),
    validationDelaySeconds: z.number().nonnegative(),
    padOutput: z.boolean(),
    fail5xxRate: z.number().min(0).max(1),
    failAfterCommit: z.array(z.string().regex(/^[A-Z0-9]+\/[A-Za-z0-9]+$/, 'expected PROGRAM/Transaction')),
    allowedCompanies: z.array(company),
    defaultCono: company,
    defaultDivi: z.string().max(3),
    latencyMs: count,
    fail5xxNext: count,
    rateLimitNext: z.strictObject({ count, retryAfterSeconds: z.number().int().positive() }).nullable(),
    resetNext: count,
  })
  .partial();

/** Validate a partial config; throws an Error listing every problem. */
export function parseConfigPatch(input: unknown): Partial<InforSimConfig> {
  const result = InforSimConfigPatch.safeParse(input);
  if (!result.success) throw new Error(`invalid simulator config: ${z.prettifyError(result.error)}`);
  return result.data;
}

export function defaultConfig(): InforSimConfig {
  return structuredClone({ ...DEFAULT_INFOR_SIM_CONFIG, failAfterCommit: [], allowedCompanies: [100] });
}
