/**
 * ION API authorization server of the simulator (apis/infor.md §3): registered Backend Service apps with a
 * service account, the password and refresh_token grants, revoke, and the token checks of the gateway.
 */
import { randomBytes } from 'node:crypto';
import type { SimClock, SimRequest, SimResponse } from '../kit/server.js';
import type { InforSimConfig } from './config.js';
import { invalidToken, tooManyRequests } from './envelope.js';
import { DAY_MS, MINUTE_MS, WindowCounter } from './quotas.js';
import type { SimCounters } from './stats.js';

/** An app + service account as `POST /_sim/clients` takes it. */
export interface ClientRegistration {
  /** Tenant; defaults to the simulator's. */
  ti?: string;
  ci: string;
  cs: string;
  /** Service account access key; must start with `ti#` (§3). */
  saak: string;
  sask: string;
}

/** The `.ionapi` file of a registered app (§3). */
export interface IonApiJson {
  ti: string;
  cn: string;
  dt: string;
  ci: string;
  cs: string;
  iu: string;
  pu: string;
  oa: string;
  ot: string;
  or: string;
  ev: string;
  v: string;
  saak: string;
  sask: string;
}

export const TOKEN_PATH = 'token.oauth2';
export const REVOKE_PATH = 'revoke_token.oauth2';
const AUTHORIZE_PATH = 'authorization.oauth2';

interface AccessToken {
  ci: string;
  expiresAtMs: number;
  revoked: boolean;
  /** The refresh token handed out with it, so revoking that one revokes this too. */
  refreshToken: string | undefined;
}

interface RefreshToken {
  ci: string;
  valid: boolean;
}

export interface AuthDeps {
  tenant: string;
  clock: SimClock;
  config: () => InforSimConfig;
  stats: () => SimCounters;
  baseUrl: () => string;
}

function oauthError(status: number, error: string, description?: string): SimResponse {
  const body: Record<string, string> = { error };
  if (description) body.error_description = description;
  return { status, headers: { 'cache-control': 'no-store' }, body };
}

function randomToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

export class AuthService {
  private readonly clients = new Map<string, Required<ClientRegistration>>();
  private readonly accessTokens = new Map<string, AccessToken>();
  private readonly refreshTokens = new Map<string, RefreshToken>();
  private readonly authPerMinute = new WindowCounter(MINUTE_MS);
  private readonly tokensPerDay = new WindowCounter(DAY_MS);

  constructor(private readonly deps: AuthDeps) {}

  register(reg: ClientRegistration): IonApiJson {
    const ti = reg.ti ?? this.deps.tenant;
    if (ti !== this.deps.tenant) throw new Error(`this simulator serves tenant ${this.deps.tenant}, not ${ti}`);
    for (const key of ['ci', 'cs', 'saak', 'sask'] as const) {
      if (typeof reg[key] !== 'string' || reg[key].length === 0) throw new Error(`client registration needs a non-empty ${key}`);
    }
    if (!reg.saak.startsWith(`${ti}#`)) throw new Error(`saak must start with "${ti}#" (apis/infor.md §3)`);
    this.clients.set(reg.ci, { ti, ci: reg.ci, cs: reg.cs, saak: reg.saak, sask: reg.sask });
    return this.ionapiOf(reg.ci);
  }

  /** A fresh app with random credentials. */
  registerRandom(): IonApiJson {
    const ti = this.deps.tenant;
    return this.register({
      ti,
      ci: `${ti}~${randomToken(27)}`,
      cs: randomToken(12),
      saak: `${ti}#${randomToken(40)}`,
      sask: randomToken(66),
    });
  }

  ionapiOf(ci: string): IonApiJson {
    const c = this.clients.get(ci);
    if (!c) throw new Error(`no client ${ci}`);
    const base = this.deps.baseUrl();
    return {
      ti: c.ti,
      cn: 'MLSYNC_BACKEND',
      dt: '12',
      ci: c.ci,
      cs: c.cs,
      iu: base,
      pu: `${base}/${c.ti}/as/`,
      oa: AUTHORIZE_PATH,
      ot: TOKEN_PATH,
      or: REVOKE_PATH,
      ev: 'U147858101',
      v: '1.0',
      saak: c.saak,
      sask: c.sask,
    };
  }

  /** Forget issued tokens and quota counters; registered clients stay. */
  resetTokens(): void {
    this.accessTokens.clear();
    this.refreshTokens.clear();
    this.authPerMinute.reset();
    this.tokensPerDay.reset();
  }

  /** `POST /{ti}/as/token.oauth2`: password and refresh_token grants (§3). */
  token(req: SimRequest): SimResponse {
    const stats = this.deps.stats();
    const cfg = this.deps.config();
    const now = this.deps.clock.nowMs();
    stats.tokenRequests += 1;
    const peak = this.authPerMinute.take(this.deps.tenant, now, cfg.authPerMinute);
    if (!peak.ok) {
      stats.quotaRejections += 1;
      return tooManyRequests(peak.retryAfterSeconds, 'Authentication rate exceeded');
    }
    const form = new URLSearchParams(req.body.toString('utf8'));
    const client = this.clientOf(req, form);
    if (!client) return oauthError(401, 'invalid_client', 'Invalid client credentials');

    const grant = form.get('grant_type');
    let presentedRefresh: string | undefined;
    if (grant === 'password') {
      // The username is saak unchanged, tenant prefix included (§7 item 1).
      const username = form.get('username') ?? '';
      if (!username.startsWith(`${client.ti}#`) || username !== client.saak || form.get('password') !== client.sask) {
        return oauthError(400, 'invalid_grant', 'Invalid username or password');
      }
    } else if (grant === 'refresh_token') {
      presentedRefresh = form.get('refresh_token') ?? '';
      const known = this.refreshTokens.get(presentedRefresh);
      if (!known || !known.valid || known.ci !== client.ci) return oauthError(400, 'invalid_grant', 'Invalid refresh token');
    } else {
      return oauthError(400, 'unsupported_grant_type');
    }

    const daily = this.tokensPerDay.take(client.ci, now, cfg.tokensPerDay);
    if (!daily.ok) {
      stats.quotaRejections += 1;
      return tooManyRequests(daily.retryAfterSeconds, 'Access token quota exceeded');
    }

    let refreshToken: string | undefined;
    if (presentedRefresh === undefined) {
      if (cfg.issueRefreshToken) refreshToken = randomToken(24);
    } else if (cfg.rotateRefreshToken) {
      // The previous refresh token is dead from now on (§7 item 4).
      this.refreshTokens.get(presentedRefresh)!.valid = false;
      refreshToken = randomToken(24);
    } else {
      refreshToken = presentedRefresh;
    }

    const accessToken = this.newAccessToken();
    this.accessTokens.set(accessToken, {
      ci: client.ci,
      expiresAtMs: now + cfg.tokenTtlSeconds * 1000,
      revoked: false,
      refreshToken,
    });
    if (refreshToken) this.refreshTokens.set(refreshToken, { ci: client.ci, valid: true });
    stats.tokensIssued[client.ci] = (stats.tokensIssued[client.ci] ?? 0) + 1;
    const body: Record<string, unknown> = { access_token: accessToken };
    if (refreshToken) body.refresh_token = refreshToken;
    body.token_type = 'Bearer';
    body.expires_in = cfg.tokenTtlSeconds;
    return { status: 200, headers: { 'cache-control': 'no-store' }, body };
  }

  /** `POST /{ti}/as/revoke_token.oauth2` (§3): 200 with an empty body, also for unknown tokens (RFC 7009). */
  revoke(req: SimRequest): SimResponse {
    const form = new URLSearchParams(req.body.toString('utf8'));
    const client = this.clientOf(req, form);
    if (!client) return oauthError(401, 'invalid_client', 'Invalid client credentials');
    const token = form.get('token');
    if (!token) return oauthError(400, 'invalid_request', 'token is required');
    const access = this.accessTokens.get(token);
    if (access && access.ci === client.ci && !access.revoked) {
      access.revoked = true;
      this.deps.stats().tokensRevoked += 1;
    }
    const refresh = this.refreshTokens.get(token);
    if (refresh && refresh.ci === client.ci && refresh.valid) {
      refresh.valid = false;
      this.deps.stats().tokensRevoked += 1;
      for (const t of this.accessTokens.values()) if (t.refreshToken === token) t.revoked = true;
    }
    return { status: 200, body: '' };
  }

  /** The gateway's token check: undefined when the bearer token is good, else the 401 to send (§4). */
  checkBearer(req: SimRequest): SimResponse | undefined {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) return invalidToken('Access token missing');
    const token = this.accessTokens.get(m[1]!);
    if (!token) return invalidToken('Access token invalid');
    if (token.revoked) return invalidToken('Access token revoked');
    if (this.deps.clock.nowMs() >= token.expiresAtMs) return invalidToken('Access token expired');
    return undefined;
  }

  /** Client authentication by HTTP Basic or by body `client_id`/`client_secret` (§7 item 2). */
  private clientOf(req: SimRequest, form: URLSearchParams): Required<ClientRegistration> | undefined {
    let id: string | null = null;
    let secret: string | null = null;
    const basic = /^Basic\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (basic) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return undefined;
      id = decoded.slice(0, colon);
      secret = decoded.slice(colon + 1);
    } else {
      id = form.get('client_id');
      secret = form.get('client_secret');
    }
    if (!id || secret === null) return undefined;
    const client = this.clients.get(id);
    if (!client || client.cs !== secret) return undefined;
    return client;
  }

  private newAccessToken(): string {
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ tenant: this.deps.tenant, jti: randomToken(12) })).toString('base64url');
    return `${header}.${payload}.${randomToken(32)}`;
  }
}
