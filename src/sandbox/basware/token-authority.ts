/**
 * OAuth2 client registry and token issuer of one simulator instance (apis/basware.md §2). Tokens are
 * JWT-shaped (header `typ: at+jwt`, the claims of S2) but opaque to clients; each instance signs with
 * its own random key and issuer, so a token from another region's instance is refused (§9 item 6).
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { SimClock } from '../kit/server.js';

export type BaswareSimRegion = 'EU' | 'US' | 'AU' | 'CA';

/** `iss` per region; EU is verified (S2), the others follow the host table of §2 (MODELED). */
export const REGION_ISSUERS: Record<BaswareSimRegion, string> = {
  EU: 'https://api.basware.com',
  US: 'https://api.us.basware.com',
  AU: 'https://api.au.basware.com',
  CA: 'https://api.ca.basware.com',
};

const AUDIENCE = 'OpenAPI';
const DEFAULT_BWCID = '020779-TEST1';
/** `<api>.read|write|delete` (§2). */
const SCOPE_SHAPE = /^[A-Za-z]+\.(read|write|delete)$/;

export interface ClientRegistration {
  client_id: string;
  client_secret: string;
  /** Scopes this client may be granted; omitted = any well-formed scope. */
  scopes?: string[];
  bwcid?: string;
}

/** Who made an API call and what it may do. */
export interface Principal {
  clientId: string;
  scopes: ReadonlySet<string> | 'any';
  bwcid: string;
}

interface IssuedToken {
  clientId: string;
  exp: number;
}

export interface TokenGrant {
  access_token: string;
  scope: string;
  expires_in: number;
  token_type: 'Bearer';
}

export type ScopeDecision = { ok: true; granted: string[] } | { ok: false };

function b64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function isWellFormedScope(scope: string): boolean {
  return SCOPE_SHAPE.test(scope);
}

export class TokenAuthority {
  private readonly signingKey = randomBytes(32);
  private readonly kid = randomBytes(24).toString('base64url');
  private readonly clients = new Map<string, ClientRegistration>();
  private readonly issued = new Map<string, IssuedToken>();

  constructor(
    readonly issuer: string,
    private readonly clock: SimClock,
  ) {}

  register(client: ClientRegistration): void {
    if (!client.client_id || !client.client_secret) throw new Error('a client needs client_id and client_secret');
    this.clients.set(client.client_id, { ...client, scopes: client.scopes ? [...client.scopes] : undefined });
  }

  /** The registered client when the secret matches, else undefined. */
  authenticateClient(clientId: string, secret: string): ClientRegistration | undefined {
    const client = this.clients.get(clientId);
    return client && safeEqual(client.client_secret, secret) ? client : undefined;
  }

  /** Granted scopes: the requested ones the client is registered for (§2); none granted → refused. */
  grantScopes(client: ClientRegistration, requested: string[]): ScopeDecision {
    if (requested.length === 0 || requested.some((s) => !isWellFormedScope(s))) return { ok: false };
    const granted = [...new Set(requested)].filter((s) => !client.scopes || client.scopes.includes(s));
    return granted.length > 0 ? { ok: true, granted } : { ok: false };
  }

  issue(client: ClientRegistration, scopes: string[], lifetimeSeconds: number): TokenGrant {
    const iat = Math.floor(this.clock.nowMs() / 1000);
    const exp = iat + lifetimeSeconds;
    const jti = randomUUID();
    const header = { alg: 'RS256', kid: this.kid, typ: 'at+jwt' };
    const claims = {
      sub: client.client_id,
      scope: scopes.join(' '),
      auth_time: iat,
      iss: this.issuer,
      aud: AUDIENCE,
      exp,
      iat,
      jti,
      bwcid: client.bwcid ?? DEFAULT_BWCID,
    };
    const unsigned = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = createHmac('sha256', this.signingKey).update(unsigned).digest('base64url');
    this.issued.set(jti, { clientId: client.client_id, exp });
    return { access_token: `${unsigned}.${signature}`, scope: claims.scope, expires_in: lifetimeSeconds, token_type: 'Bearer' };
  }

  /** Principal of a Bearer token issued by this instance and not expired; undefined otherwise. */
  verifyBearer(token: string): Principal | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [head, body, signature] = parts as [string, string, string];
    const expected = createHmac('sha256', this.signingKey).update(`${head}.${body}`).digest('base64url');
    if (!safeEqual(expected, signature)) return undefined;
    let claims: { sub?: unknown; scope?: unknown; iss?: unknown; exp?: unknown; jti?: unknown; bwcid?: unknown };
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as typeof claims;
    } catch {
      return undefined;
    }
    if (claims.iss !== this.issuer || typeof claims.jti !== 'string' || typeof claims.exp !== 'number') return undefined;
    if (!this.issued.has(claims.jti)) return undefined; // cleared by /_sim/reset
    if (Math.floor(this.clock.nowMs() / 1000) >= claims.exp) return undefined;
    return {
      clientId: String(claims.sub),
      scopes: new Set(String(claims.scope ?? '').split(' ').filter(Boolean)),
      bwcid: String(claims.bwcid ?? DEFAULT_BWCID),
    };
  }

  /** HTTP Basic with the API credentials is also accepted on P2P calls (§2, S1); it carries the registered scopes. */
  verifyBasic(authorization: string): Principal | undefined {
    const credentials = parseBasic(authorization);
    const client = credentials && this.authenticateClient(credentials.clientId, credentials.secret);
    if (!client) return undefined;
    return {
      clientId: client.client_id,
      scopes: client.scopes ? new Set(client.scopes) : 'any',
      bwcid: client.bwcid ?? DEFAULT_BWCID,
    };
  }

  clearTokens(): void {
    this.issued.clear();
  }
}

/** Parse an `Authorization: Basic …` header into client id and secret; undefined when malformed. */
export function parseBasic(header: string | undefined): { clientId: string; secret: string } | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { clientId: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}
