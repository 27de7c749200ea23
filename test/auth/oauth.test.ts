import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOAuthProvider, type OAuthProviderOptions } from '../../src/auth/oauth.js';
import { createEncryptedTokenCache, createMemoryBlobStore } from '../../src/auth/token-cache.js';
import type { TokenCache } from '../../src/auth/types.js';
import { AuthError, ConnectionError } from '../../src/errors.js';
import { createHttpClient } from '../../src/http/client.js';
import type { HttpClient } from '../../src/http/types.js';
import { Redactor } from '../../src/secrets/redactor.js';

const SSO = 'https://mingle-sso.eu1.inforcloudsuite.com:443';
const TOKEN_PATH = '/ACME_PRD/as/token.oauth2';
const CI = 'ACME_PRD~k3XqO9dY2vLmR7sT1uWcZ8aB4eF6gH0jN5pQ';
const CS = 'q8Wm2-Lr0hJ_fT3v';
const SAAK = 'ACME_PRD#Xy7Kp2QeLm9RtVb4';
const SASK = 'Zp9Wc3Nd8Hq1Ts6Ue0';
const BASIC = `Basic ${Buffer.from(`${CI}:${CS}`).toString('base64')}`;
const PASSWORD_BODY = 'grant_type=password&username=ACME_PRD%23Xy7Kp2QeLm9RtVb4&password=Zp9Wc3Nd8Hq1Ts6Ue0';
const T0 = Date.UTC(2024, 6, 1, 8, 0, 0);

function clock(start = T0) {
  let t = start;
  return { now: () => t, advance: (seconds: number) => (t += seconds * 1000) };
}

function tokenHttp(system = 'infor'): HttpClient & { sleeps: number[] } {
  const sleeps: number[] = [];
  const client = createHttpClient({
    system,
    timeoutMs: 2000,
    retry: { attempts: 3, baseDelayMs: 100, factor: 2, maxDelayMs: 1000, maxRetryAfterSeconds: 60, max429Waits: 3 },
    redactor: new Redactor(),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return Object.assign(client, { sleeps });
}

function inforProvider(overrides: Partial<OAuthProviderOptions> = {}) {
  return createOAuthProvider({
    system: 'infor',
    displayName: 'Infor CloudSuite',
    tokenUrl: `${SSO}${TOKEN_PATH}`,
    clientId: CI,
    clientSecret: CS,
    clientAuth: 'basic',
    grant: { type: 'password', username: SAAK, password: SASK },
    http: tokenHttp(),
    refreshFraction: 0.1,
    refreshMinSeconds: 60,
    useRefreshToken: true,
    credentialHint: 'the saak/sask keys of the file in INFOR_IONAPI',
    ...overrides,
  });
}

function issued(access: string, expiresIn: number, refresh?: string) {
  return { access_token: access, token_type: 'Bearer', expires_in: expiresIn, ...(refresh ? { refresh_token: refresh } : {}) };
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('token requests', () => {
  it('sends the Infor password grant exactly: Basic client auth, saak with # as %23', async () => {
    const scope = nock(SSO)
      .post(TOKEN_PATH, PASSWORD_BODY)
      .matchHeader('authorization', BASIC)
      .matchHeader('content-type', 'application/x-www-form-urlencoded')
      .reply(200, issued('acc-1', 7200, 'ref-1'));
    const provider = inforProvider();
    expect(await provider.getToken()).toBe('acc-1');
    expect(scope.isDone()).toBe(true);
  });

  it('sends client credentials in the body when clientAuth is body, with no Authorization header', async () => {
    const scope = nock('https://api.basware.com')
      .post('/v1/tokens', 'grant_type=client_credentials&scope=vendors.read%20vendors.write&client_id=bw-client&client_secret=bw-secret-1')
      .matchHeader('authorization', (value) => value === undefined)
      .reply(200, issued('bw-acc', 3600));
    const provider = createOAuthProvider({
      system: 'basware',
      displayName: 'Basware',
      tokenUrl: 'https://api.basware.com/v1/tokens',
      clientId: 'bw-client',
      clientSecret: 'bw-secret-1',
      clientAuth: 'body',
      grant: { type: 'client_credentials', scope: 'vendors.read vendors.write' },
      http: tokenHttp('basware'),
      refreshSkewSeconds: 120,
      credentialHint: 'BASWARE_CLIENT_ID and BASWARE_CLIENT_SECRET',
    });
    expect(await provider.getToken()).toBe('bw-acc');
    expect(scope.isDone()).toBe(true);
  });

  it('lets 10 concurrent getToken() calls share one token request', async () => {
    nock(SSO).post(TOKEN_PATH).delay(30).reply(200, issued('acc-1', 7200));
    const http = tokenHttp();
    const provider = inforProvider({ http });
    const tokens = await Promise.all(Array.from({ length: 10 }, () => provider.getToken()));
    expect(new Set(tokens)).toEqual(new Set(['acc-1']));
    expect(http.requestCount).toBe(1);
  });

  it('adds the credential and every issued token to the redactor', async () => {
    nock(SSO).post(TOKEN_PATH).reply(200, issued('eyJhbGciOiJSUzI1NiJ9.eyJ0ZW5hbnQiOiJBQ01FX1BSRCJ9.c2ln', 7200, 'mXq8Yh2Tz'));
    const redactor = new Redactor();
    const provider = inforProvider({ redactor });
    await provider.getToken();
    const line = `token eyJhbGciOiJSUzI1NiJ9.eyJ0ZW5hbnQiOiJBQ01FX1BSRCJ9.c2ln refresh mXq8Yh2Tz secret ${CS} sask ${SASK} saak ${SAAK}`;
    expect(redactor.text(line)).toBe('token *** refresh *** secret *** sask *** saak ***');
  });

  it('waits out a 429 from the token endpoint through the client Retry-After rules', async () => {
    nock(SSO).post(TOKEN_PATH).reply(429, { error: 'Too Many Requests' }, { 'Retry-After': '2' }).post(TOKEN_PATH).reply(200, issued('acc-1', 7200));
    const http = tokenHttp();
    const provider = inforProvider({ http });
    expect(await provider.getToken()).toBe('acc-1');
    expect(http.sleeps).toEqual([2000]);
  });

  it('reports an answer without access_token as a token-URL problem', async () => {
    nock(SSO).post(TOKEN_PATH).reply(200, '<html>login</html>', { 'Content-Type': 'text/html' });
    const err = await inforProvider().getToken().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toContain('without an access token');
  });
});

describe('refused credentials', () => {
  it('invalid_grant → AuthError naming the system, the OAuth error and the hint, with no secret', async () => {
    nock(SSO).post(TOKEN_PATH).reply(400, { error: 'invalid_grant', error_description: 'Invalid username or password' });
    const err = await inforProvider().getToken().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).system).toBe('infor');
    expect((err as Error).message).toBe(
      'Infor CloudSuite refused the service account (invalid_grant: Invalid username or password). ' +
        'Check the saak/sask keys of the file in INFOR_IONAPI.',
    );
  });

  it('invalid_client (401) → AuthError about the client credentials', async () => {
    nock('https://api.basware.com').post('/v1/tokens').reply(401, { error: 'invalid_client' });
    const provider = createOAuthProvider({
      system: 'basware',
      displayName: 'Basware',
      tokenUrl: 'https://api.basware.com/v1/tokens',
      clientId: 'bw-client',
      clientSecret: 'bw-secret-1',
      clientAuth: 'basic',
      grant: { type: 'client_credentials' },
      http: tokenHttp('basware'),
      credentialHint: 'BASWARE_CLIENT_ID and BASWARE_CLIENT_SECRET.',
    });
    const err = await provider.getToken().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as Error).message).toBe(
      'Basware refused the API client credentials (invalid_client). Check BASWARE_CLIENT_ID and BASWARE_CLIENT_SECRET.',
    );
  });

  it('a 422 validation body → AuthError quoting the field', async () => {
    nock('https://api.basware.com')
      .post('/v1/tokens')
      .reply(422, { detail: [{ loc: ['header', 'authorization'], msg: 'field required', type: 'value_error.missing' }] });
    const provider = createOAuthProvider({
      system: 'basware',
      displayName: 'Basware',
      tokenUrl: 'https://api.basware.com/v1/tokens',
      clientId: 'c',
      clientSecret: 'secret-xyz',
      clientAuth: 'basic',
      grant: { type: 'client_credentials' },
      http: tokenHttp('basware'),
      credentialHint: 'BASWARE_CLIENT_ID and BASWARE_CLIENT_SECRET',
    });
    const err = await provider.getToken().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as Error).message).toContain('(HTTP 422: header.authorization: field required)');
  });
});

describe('refresh', () => {
  it('refreshes proactively when ≤ 10 % of the lifetime (min 60 s) remains (Infor)', async () => {
    const c = clock();
    const http = tokenHttp();
    nock(SSO).post(TOKEN_PATH).reply(200, issued('acc-1', 7200)).post(TOKEN_PATH).reply(200, issued('acc-2', 7200));
    const provider = inforProvider({ http, now: c.now, useRefreshToken: false });
    expect(await provider.getToken()).toBe('acc-1');
    expect(provider.expiresAt()?.getTime()).toBe(T0 + 7200_000);
    c.advance(7200 - 721);
    expect(await provider.getToken()).toBe('acc-1');
    expect(http.requestCount).toBe(1);
    c.advance(2);
    expect(await provider.getToken()).toBe('acc-2');
    expect(http.requestCount).toBe(2);
  });

  it('applies the 60 s minimum when 10 % of a short lifetime is less', async () => {
    const c = clock();
    const http = tokenHttp();
    nock(SSO).post(TOKEN_PATH).reply(200, issued('acc-1', 300)).post(TOKEN_PATH).reply(200, issued('acc-2', 300));
    const provider = inforProvider({ http, now: c.now, useRefreshToken: false });
    await provider.getToken();
    c.advance(239);
    expect(await provider.getToken()).toBe('acc-1');
    c.advance(2);
    expect(await provider.getToken()).toBe('acc-2');
  });

  it('refreshes when ≤ the skew remains (Basware 120 s)', async () => {
    const c = clock();
    const http = tokenHttp('basware');
    nock('https://api.basware.com').post('/v1/tokens').reply(200, issued('bw-1', 3600)).post('/v1/tokens').reply(200, issued('bw-2', 3600));
    const provider = createOAuthProvider({
      system: 'basware',
      displayName: 'Basware',
      tokenUrl: 'https://api.basware.com/v1/tokens',
      clientId: 'c',
      clientSecret: 'secret-xyz',
      clientAuth: 'basic',
      grant: { type: 'client_credentials' },
      http,
      refreshSkewSeconds: 120,
      credentialHint: 'x',
      now: c.now,
    });
    await provider.getToken();
    c.advance(3479);
    expect(await provider.getToken()).toBe('bw-1');
    c.advance(2);
    expect(await provider.getToken()).toBe('bw-2');
    expect(http.requestCount).toBe(2);
  });

  it('uses the refresh token before a new password grant and persists a rotated one', async () => {
    const c = clock();
    const store = createMemoryBlobStore();
    const cache = createEncryptedTokenCache(store, [CS, SASK], {});
    nock(SSO)
      .post(TOKEN_PATH, PASSWORD_BODY)
      .reply(200, issued('acc-1', 7200, 'ref-1'))
      .post(TOKEN_PATH, 'grant_type=refresh_token&refresh_token=ref-1')
      .matchHeader('authorization', BASIC)
      .reply(200, issued('acc-2', 7200, 'ref-2'))
      .post(TOKEN_PATH, 'grant_type=refresh_token&refresh_token=ref-2')
      .reply(200, issued('acc-3', 7200));
    const provider = inforProvider({ now: c.now, cache, cacheKey: 'infor:test' });
    expect(await provider.getToken()).toBe('acc-1');
    c.advance(7000);
    expect(await provider.getToken()).toBe('acc-2');
    expect(cache.load('infor:test')).toMatchObject({ accessToken: 'acc-2', refreshToken: 'ref-2' });
    c.advance(7000);
    expect(await provider.getToken()).toBe('acc-3');
    // The server sent no new refresh token: the held one is kept.
    expect(cache.load('infor:test')).toMatchObject({ accessToken: 'acc-3', refreshToken: 'ref-2' });
    expect(nock.isDone()).toBe(true);
  });

  it('falls back to the password grant once when the refresh token is refused', async () => {
    const c = clock();
    nock(SSO)
      .post(TOKEN_PATH, PASSWORD_BODY)
      .reply(200, issued('acc-1', 7200, 'ref-1'))
      .post(TOKEN_PATH, 'grant_type=refresh_token&refresh_token=ref-1')
      .reply(400, { error: 'invalid_grant', error_description: 'Refresh token revoked' })
      .post(TOKEN_PATH, PASSWORD_BODY)
      .reply(200, issued('acc-2', 7200, 'ref-2'));
    const provider = inforProvider({ now: c.now });
    await provider.getToken();
    c.advance(7000);
    expect(await provider.getToken()).toBe('acc-2');
    expect(nock.isDone()).toBe(true);
  });

  it('fetches a new token after invalidate(), and ignores a stale token being invalidated', async () => {
    nock(SSO)
      .post(TOKEN_PATH, PASSWORD_BODY)
      .reply(200, issued('acc-1', 7200, 'ref-1'))
      .post(TOKEN_PATH, 'grant_type=refresh_token&refresh_token=ref-1')
      .reply(200, issued('acc-2', 7200, 'ref-2'));
    const provider = inforProvider();
    await provider.getToken();
    provider.invalidate('acc-1');
    expect(provider.expiresAt()).toBeUndefined();
    expect(await provider.getToken()).toBe('acc-2');
    provider.invalidate('acc-1');
    expect(await provider.getToken()).toBe('acc-2');
  });

  it('keeps handing out a still-valid token when a proactive refresh fails for a passing reason', async () => {
    const c = clock();
    nock(SSO).post(TOKEN_PATH).reply(200, issued('acc-1', 7200)).post(TOKEN_PATH).times(3).reply(503);
    const provider = inforProvider({ now: c.now, useRefreshToken: false });
    await provider.getToken();
    c.advance(7000);
    expect(await provider.getToken()).toBe('acc-1');
  });

  it('works with the client: an API 401 invalidates the token and the retry carries a new one', async () => {
    nock(SSO).post(TOKEN_PATH).reply(200, issued('acc-1', 7200)).post(TOKEN_PATH).reply(200, issued('acc-2', 7200));
    const seen: string[] = [];
    nock('https://ion.example')
      .get('/ACME_PRD/M3/x')
      .times(2)
      .reply(function () {
        seen.push(String(this.req.headers.authorization));
        return seen.length === 1 ? [401, { error: 'invalid_token' }] : [200, { results: [] }];
      });
    const http = tokenHttp();
    const provider = inforProvider({ http, useRefreshToken: false });
    const api = createHttpClient({
      system: 'infor',
      baseUrl: 'https://ion.example/ACME_PRD',
      timeoutMs: 2000,
      retry: { attempts: 2, baseDelayMs: 1, factor: 2, maxDelayMs: 10, maxRetryAfterSeconds: 1, max429Waits: 1 },
      redactor: new Redactor(),
      auth: provider,
      sleep: async () => {},
    });
    const res = await api.request({ method: 'GET', url: '/M3/x', idempotent: true });
    expect(res.status).toBe(200);
    expect(seen).toEqual(['Bearer acc-1', 'Bearer acc-2']);
  });
});

describe('cache across runs', () => {
  function sharedCache(): { cache: TokenCache; store: ReturnType<typeof createMemoryBlobStore> } {
    const store = createMemoryBlobStore();
    return { store, cache: createEncryptedTokenCache(store, [CS, SASK], {}) };
  }

  it('a second provider instance reuses the cached token with no token request', async () => {
    const { cache, store } = sharedCache();
    nock(SSO).post(TOKEN_PATH).once().reply(200, issued('acc-1', 7200, 'ref-1'));
    const firstHttp = tokenHttp();
    await inforProvider({ http: firstHttp, cache }).getToken();
    expect(firstHttp.requestCount).toBe(1);
    const [slot] = [...store.blobs.keys()];
    expect(slot).toMatch(/^infor:oauth:[0-9a-f]{24}$/);
    expect(slot).not.toContain(CI);

    const secondHttp = tokenHttp();
    const second = inforProvider({ http: secondHttp, cache: createEncryptedTokenCache(store, [CS, SASK], {}) });
    expect(await second.getToken()).toBe('acc-1');
    expect(secondHttp.requestCount).toBe(0);
    expect(second.expiresAt()).toBeInstanceOf(Date);
  });

  it('a cached token near expiry is refreshed with its cached refresh token', async () => {
    const { cache } = sharedCache();
    const c = clock();
    nock(SSO)
      .post(TOKEN_PATH, PASSWORD_BODY)
      .reply(200, issued('acc-1', 7200, 'ref-1'))
      .post(TOKEN_PATH, 'grant_type=refresh_token&refresh_token=ref-1')
      .reply(200, issued('acc-2', 7200, 'ref-2'));
    await inforProvider({ cache, now: c.now }).getToken();
    c.advance(7100);
    expect(await inforProvider({ cache, now: c.now }).getToken()).toBe('acc-2');
    expect(nock.isDone()).toBe(true);
  });

  it('picks up a token another run stored while this provider was idle', async () => {
    const { cache } = sharedCache();
    const c = clock();
    nock(SSO).post(TOKEN_PATH).reply(200, issued('acc-1', 7200, 'ref-1')).post(TOKEN_PATH).reply(200, issued('acc-other', 7200, 'ref-other'));
    const mine = inforProvider({ cache, now: c.now, useRefreshToken: false });
    await mine.getToken();
    c.advance(7000);
    // Another run refreshes first and stores its token.
    expect(await inforProvider({ cache, now: c.now, useRefreshToken: false }).getToken()).toBe('acc-other');
    const httpCount = nock.pendingMocks().length;
    expect(await mine.getToken()).toBe('acc-other');
    expect(nock.pendingMocks().length).toBe(httpCount);
  });

  it('an invalidated token is not reused by the next run, but its refresh token is', async () => {
    const { cache } = sharedCache();
    nock(SSO)
      .post(TOKEN_PATH, PASSWORD_BODY)
      .reply(200, issued('acc-1', 7200, 'ref-1'))
      .post(TOKEN_PATH, 'grant_type=refresh_token&refresh_token=ref-1')
      .reply(200, issued('acc-2', 7200, 'ref-2'));
    const first = inforProvider({ cache });
    first.invalidate(await first.getToken());
    expect(await inforProvider({ cache }).getToken()).toBe('acc-2');
  });
});
