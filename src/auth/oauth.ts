/**
 * OAuth2 token provider: password grant (Infor ION API, apis/infor.md §3) and client credentials
 * (Basware, apis/basware.md §2). Tokens are rationed (Infor: ~100 per client a day, §8, while cron may
 * run 288 times), so the provider
 * - reuses a cached token (across runs, through the TokenCache) while it is valid beyond the margin;
 * - lets one token request be in flight at a time (single-flight) and re-reads the cache before it,
 *   because another run may have refreshed (and rotated the refresh token) in the meantime;
 * - refreshes proactively, with the refresh token when one is held, falling back to the primary
 *   grant once when the refresh token is refused.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AuthError, ConnectionError } from '../errors.js';
import type { HttpClient, HttpResponse } from '../http/types.js';
import type { Redactor } from '../secrets/redactor.js';
import type { CachedToken, TokenCache, TokenProvider } from './types.js';

export interface OAuthProviderOptions {
  system: string;
  displayName: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Client credentials in an HTTP Basic header, or as client_id/client_secret body fields. */
  clientAuth: 'basic' | 'body';
  grant: { type: 'password'; username: string; password: string } | { type: 'client_credentials'; scope?: string };
  /** Used with auth: false for token calls (traced, rate-limited, retried). */
  http: HttpClient;
  /** Refresh when ≤ fraction × lifetime remains (Infor 0.1) ... */
  refreshFraction?: number;
  /** ... but at least this many seconds (Infor 60) ... */
  refreshMinSeconds?: number;
  /** ... or when ≤ this remains (Basware 120); the larger margin wins. */
  refreshSkewSeconds?: number;
  /** Use grant_type=refresh_token when one is held (Infor); persist a rotated one. */
  useRefreshToken?: boolean;
  /** Cross-run cache; the key never holds a secret (default: system and a hash of the token URL, client and grant). */
  cache?: TokenCache;
  cacheKey?: string;
  /** What to check when credentials are refused, e.g. "the ci/cs and saak/sask keys of the file in INFOR_IONAPI". */
  credentialHint: string;
  /** Every issued access and refresh token (and the credential's secrets) is added to it. */
  redactor?: Redactor;
  now?: () => number;
}

/** Margin when the options set none. */
const DEFAULT_REFRESH_SKEW_SECONDS = 60;
/** Lifetime assumed when the token response has no expires_in (Basware's default, apis/basware.md §2). */
const DEFAULT_LIFETIME_SECONDS = 3600;
/**
 * A margin above half the lifetime would make every getToken() fetch a new token (a token storm
 * against a rationed endpoint); cap it there.
 */
const MAX_MARGIN_SHARE = 0.5;
/** When a proactive refresh fails, a token with at least this much life left is still handed out. */
const FALLBACK_MIN_REMAINING_MS = 5_000;
/** Statuses on which a token endpoint answers with an OAuth error body (RFC 6749 §5.2; Basware 422). */
const TOKEN_ERROR_STATUSES = [400, 401, 403, 422];
const ERROR_DESCRIPTION_CHARS = 200;

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.coerce.number().positive().optional(),
  token_type: z.string().optional(),
});

const oauthErrorSchema = z.object({
  error: z.string().optional(),
  error_description: z.string().optional(),
  message: z.string().optional(),
  detail: z.array(z.object({ loc: z.array(z.union([z.string(), z.number()])).optional(), msg: z.string().optional() })).optional(),
});

type Grant = 'password' | 'client_credentials' | 'refresh_token';

/** The server refused the refresh token; the caller falls back to the primary grant. */
class RefreshRefused extends Error {}

function defaultCacheKey(opts: OAuthProviderOptions): string {
  const subject = opts.grant.type === 'password' ? opts.grant.username : (opts.grant.scope ?? '');
  // Hashed, so the key (stored in clear in the ledger) shows no account name or secret.
  const digest = createHash('sha256')
    .update([opts.tokenUrl, opts.clientId, opts.grant.type, subject].join('\u0000'))
    .digest('hex')
    .slice(0, 24);
  return `${opts.system}:oauth:${digest}`;
}

function sentence(text: string): string {
  return text.trim().replace(/[.\s]+$/, '');
}

export function createOAuthProvider(opts: OAuthProviderOptions): TokenProvider {
  const now = opts.now ?? Date.now;
  const cacheKey = opts.cacheKey ?? defaultCacheKey(opts);
  const redactor = opts.redactor;
  redactor?.add(opts.clientSecret);
  if (opts.grant.type === 'password') {
    // The Infor saak is half of the service-account credential (apis/infor.md §3).
    redactor?.add(opts.grant.username);
    redactor?.add(opts.grant.password);
  }

  let current: CachedToken | undefined;
  let cacheRead = false;
  let inflight: Promise<string> | undefined;

  function remember(token: CachedToken | undefined): CachedToken | undefined {
    if (token) {
      redactor?.add(token.accessToken);
      redactor?.add(token.refreshToken);
    }
    return token;
  }

  function marginMs(token: CachedToken): number {
    const lifetimeMs = Math.max(0, token.expiresAt - token.issuedAt);
    const margins: number[] = [];
    if (opts.refreshFraction !== undefined) margins.push(opts.refreshFraction * lifetimeMs);
    if (opts.refreshMinSeconds !== undefined) margins.push(opts.refreshMinSeconds * 1000);
    if (opts.refreshSkewSeconds !== undefined) margins.push(opts.refreshSkewSeconds * 1000);
    if (margins.length === 0) margins.push(DEFAULT_REFRESH_SKEW_SECONDS * 1000);
    return Math.min(Math.max(...margins), lifetimeMs * MAX_MARGIN_SHARE);
  }

  /** The token to hand out without asking the server, if the held one is valid beyond the margin. */
  function freshToken(token: CachedToken | undefined): string | undefined {
    return token !== undefined && token.accessToken !== '' && now() < token.expiresAt - marginMs(token)
      ? token.accessToken
      : undefined;
  }

  function store(token: CachedToken): void {
    current = token;
    opts.cache?.save(cacheKey, token);
  }

  function describeRefusal(grant: Grant, res: HttpResponse<unknown>): string {
    const parsed = oauthErrorSchema.safeParse(res.body);
    const body = parsed.success ? parsed.data : {};
    const code = body.error ?? `HTTP ${res.status}`;
    const firstDetail = body.detail?.[0];
    const rawDescription =
      body.error_description ??
      body.message ??
      (firstDetail ? [firstDetail.loc?.join('.'), firstDetail.msg].filter(Boolean).join(': ') : undefined);
    const description = rawDescription
      ? `: ${redactor ? redactor.text(rawDescription) : rawDescription}`.slice(0, ERROR_DESCRIPTION_CHARS)
      : '';
    let subject = 'the token request';
    if (code === 'invalid_client' || res.status === 401) subject = 'the API client credentials';
    else if (code === 'invalid_grant' && grant === 'password') subject = 'the service account';
    else if (code === 'invalid_grant' && grant === 'refresh_token') subject = 'the refresh token';
    else if (code === 'invalid_scope') subject = 'the requested scopes';
    return `${opts.displayName} refused ${subject} (${code}${description}). Check ${sentence(opts.credentialHint)}.`;
  }

  async function requestToken(grant: Grant, fields: Record<string, string>): Promise<CachedToken> {
    const form: Record<string, string> = { grant_type: grant, ...fields };
    const headers: Record<string, string> = { accept: 'application/json' };
    if (opts.clientAuth === 'basic') {
      headers.authorization = `Basic ${Buffer.from(`${opts.clientId}:${opts.clientSecret}`, 'utf8').toString('base64')}`;
    } else {
      form.client_id = opts.clientId;
      form.client_secret = opts.clientSecret;
    }
    const sentAt = now();
    const res = await opts.http.request<unknown>({
      method: 'POST',
      url: opts.tokenUrl,
      headers,
      form,
      // Asking twice for a token does no harm beyond the quota the retry policy already bounds.
      idempotent: true,
      auth: false,
      okStatuses: TOKEN_ERROR_STATUSES,
      label: `token (${grant})`,
    });
    if (res.status >= 200 && res.status < 300) {
      const parsed = tokenResponseSchema.safeParse(res.body);
      if (!parsed.success) {
        throw new ConnectionError(
          `${opts.displayName}'s token endpoint ${opts.tokenUrl} answered HTTP ${res.status} without an access token. ` +
            `Check that the token URL points at the OAuth token endpoint.`,
          { system: opts.system, retryable: false },
        );
      }
      const data = parsed.data;
      const token: CachedToken = {
        accessToken: data.access_token,
        expiresAt: sentAt + (data.expires_in ?? DEFAULT_LIFETIME_SECONDS) * 1000,
        issuedAt: sentAt,
      };
      if (data.refresh_token !== undefined) token.refreshToken = data.refresh_token;
      remember(token);
      return token;
    }
    if (grant === 'refresh_token' && res.status === 400) {
      const parsed = oauthErrorSchema.safeParse(res.body);
      if (parsed.success && parsed.data.error === 'invalid_grant') throw new RefreshRefused();
    }
    throw new AuthError(describeRefusal(grant, res), { system: opts.system });
  }

  function primaryGrant(): Promise<CachedToken> {
    if (opts.grant.type === 'password') {
      return requestToken('password', { username: opts.grant.username, password: opts.grant.password });
    }
    return requestToken('client_credentials', opts.grant.scope ? { scope: opts.grant.scope } : {});
  }

  async function obtain(): Promise<CachedToken> {
    const refreshToken = opts.useRefreshToken ? current?.refreshToken : undefined;
    if (refreshToken) {
      try {
        const refreshed = await requestToken('refresh_token', { refresh_token: refreshToken });
        // A server that does not rotate refresh tokens sends none back: the held one stays valid.
        if (refreshed.refreshToken === undefined) refreshed.refreshToken = refreshToken;
        return refreshed;
      } catch (err) {
        if (!(err instanceof RefreshRefused)) throw err;
        // Revoked, expired or rotated away: forget it everywhere, then the primary grant, once.
        if (current) current = { ...current, refreshToken: undefined };
        opts.cache?.remove(cacheKey);
      }
    }
    return primaryGrant();
  }

  async function acquire(): Promise<string> {
    // Another run may have fetched or refreshed since we last looked (and rotated the refresh token).
    const cached = remember(opts.cache?.load(cacheKey));
    if (cached && (!current || cached.issuedAt >= current.issuedAt)) current = cached;
    const fresh = freshToken(current);
    if (fresh !== undefined) return fresh;
    const stillUsable =
      current && current.accessToken !== '' && now() < current.expiresAt - FALLBACK_MIN_REMAINING_MS
        ? current.accessToken
        : undefined;
    try {
      const token = await obtain();
      store(token);
      return token.accessToken;
    } catch (err) {
      // A proactive refresh that fails for a passing reason (network, 5xx, quota) keeps the token we hold.
      if (stillUsable !== undefined && !(err instanceof AuthError)) return stillUsable;
      throw err;
    }
  }

  return {
    system: opts.system,
    async getToken(): Promise<string> {
      if (!cacheRead) {
        cacheRead = true;
        current = remember(opts.cache?.load(cacheKey));
      }
      const fresh = freshToken(current);
      if (fresh !== undefined) return fresh;
      inflight ??= acquire().finally(() => {
        inflight = undefined;
      });
      return inflight;
    },
    invalidate(token: string): void {
      if (!current || current.accessToken !== token) return;
      const dropped: CachedToken = { ...current, accessToken: '', expiresAt: 0 };
      current = dropped;
      // Keep a refresh token for the next run; an access token the server refused is never reused.
      if (dropped.refreshToken) opts.cache?.save(cacheKey, dropped);
      else opts.cache?.remove(cacheKey);
    },
    expiresAt(): Date | undefined {
      return current && current.accessToken !== '' ? new Date(current.expiresAt) : undefined;
    },
  };
}
