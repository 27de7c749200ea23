/** ION API authorization of the Infor simulator (apis/infor.md §3; §7 items 1–5). */
import { afterAll, beforeEach, describe, expect, test } from 'vitest';
import { startInforSimulator, type InforSimulator } from '../../../src/sandbox/infor/index.js';
import { basic, control, M3Client, passwordGrant, secondsToUtcMidnight, tokenRequest } from './harness.js';

let sim: InforSimulator;
const ready = startInforSimulator({ seed: 'none' }).then((s) => (sim = s));

beforeEach(async () => {
  await ready;
  sim.reset({ seed: { suppliers: [{ SUNO: '10001', SUNM: 'Acme Components Ltd' }] } });
});
afterAll(async () => sim.close());

const getSupplier = (m3: M3Client) => m3.call('CRS620MI', 'GetBasicData', { SUNO: '10001' });

describe('.ionapi of the simulator', () => {
  test('points iu and pu at the simulator and names the token and revoke paths', () => {
    const io = sim.ionapi;
    expect(io.iu).toBe(sim.url);
    expect(io.pu).toBe(`${sim.url}/ACME_PRD/as/`);
    expect(io).toMatchObject({ ti: 'ACME_PRD', ot: 'token.oauth2', or: 'revoke_token.oauth2', oa: 'authorization.oauth2' });
    expect(io.saak.startsWith('ACME_PRD#')).toBe(true);
    expect(io.ci && io.cs && io.sask).toBeTruthy();
  });

  test('POST /_sim/clients registers an app whose .ionapi gets tokens', async () => {
    const res = await control(sim, 'POST', '/_sim/clients', { ti: 'ACME_PRD', ci: 'ACME_PRD~second', cs: 'sec-2', saak: 'ACME_PRD#SA2', sask: 'pw2' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ci: 'ACME_PRD~second', iu: sim.url, pu: `${sim.url}/ACME_PRD/as/`, saak: 'ACME_PRD#SA2' });
    expect((await passwordGrant(res.body)).status).toBe(200);
    expect(sim.stats().tokensIssued['ACME_PRD~second']).toBe(1);
  });

  test('a service account key without the tenant prefix cannot be registered', async () => {
    const res = await control(sim, 'POST', '/_sim/clients', { ci: 'x', cs: 'y', saak: 'SA2', sask: 'pw' });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('ACME_PRD#');
    expect(() => sim.registerClient({ ti: 'OTHER_TST', ci: 'a', cs: 'b', saak: 'OTHER_TST#c', sask: 'd' })).toThrow(/ACME_PRD/);
  });
});

describe('password grant', () => {
  test('answers access_token, refresh_token, Bearer and expires_in from tokenTtlSeconds', async () => {
    sim.setConfig({ tokenTtlSeconds: 3600 });
    const res = await passwordGrant(sim.ionapi);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ access_token: expect.any(String), refresh_token: expect.any(String), token_type: 'Bearer', expires_in: 3600 });
  });

  test('no refresh_token when issueRefreshToken is off', async () => {
    sim.setConfig({ issueRefreshToken: false });
    const res = await passwordGrant(sim.ionapi);
    expect(res.status).toBe(200);
    expect(res.body.refresh_token).toBeUndefined();
  });

  test('username without the "ti#" prefix, or with the tenant doubled, is invalid_grant (§7 item 1)', async () => {
    const io = sim.ionapi;
    const stripped = io.saak.slice('ACME_PRD#'.length);
    for (const username of [stripped, `ACME_PRD#${io.saak}`]) {
      const res = await tokenRequest(io, { grant_type: 'password', username, password: io.sask });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_grant', error_description: 'Invalid username or password' });
    }
    const wrongPassword = await tokenRequest(io, { grant_type: 'password', username: io.saak, password: 'nope' });
    expect(wrongPassword.body.error).toBe('invalid_grant');
  });

  test('client auth by HTTP Basic or by body fields; a wrong secret is 401 invalid_client (§7 item 2)', async () => {
    const io = sim.ionapi;
    const form = { grant_type: 'password', username: io.saak, password: io.sask };
    expect((await tokenRequest(io, form, { clientAuth: 'basic' })).status).toBe(200);
    expect((await tokenRequest(io, form, { clientAuth: 'body' })).status).toBe(200);
    for (const clientAuth of ['basic', 'body', 'none'] as const) {
      const res = await tokenRequest(io, form, { clientAuth, cs: 'wrong-secret' });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'invalid_client', error_description: 'Invalid client credentials' });
    }
  });

  test('an unknown grant type is 400 unsupported_grant_type', async () => {
    const res = await tokenRequest(sim.ionapi, { grant_type: 'client_credentials' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'unsupported_grant_type' });
  });

  test('another tenant in the token path is 404', async () => {
    const io = { ...sim.ionapi, pu: `${sim.url}/OTHER_PRD/as/` };
    expect((await passwordGrant(io)).status).toBe(404);
  });
});

describe('token lifetime and refresh', () => {
  test('a token older than expires_in gets 401 invalid_token; a refreshed one works (§7 item 3)', async () => {
    sim.setConfig({ tokenTtlSeconds: 120 });
    const m3 = new M3Client(sim);
    await m3.login();
    expect((await getSupplier(m3)).status).toBe(200);
    sim.setClockOffset(119);
    expect((await getSupplier(m3)).status).toBe(200);
    const put = await control(sim, 'PUT', '/_sim/clock', { offsetSeconds: 120 });
    expect(put.status).toBe(200);
    const expired = await getSupplier(m3);
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(expired.body).toEqual({ error: 'invalid_token', error_description: 'Access token expired' });

    const refreshed = await tokenRequest(sim.ionapi, { grant_type: 'refresh_token', refresh_token: m3.refreshToken! });
    expect(refreshed.status).toBe(200);
    m3.token = refreshed.body.access_token;
    expect((await getSupplier(m3)).status).toBe(200);
  });

  test('missing, unknown and revoked tokens are 401 with WWW-Authenticate', async () => {
    const m3 = new M3Client(sim);
    await m3.login();
    const url = m3.url('CRS620MI', 'GetBasicData', { SUNO: '10001' });
    const missing = await m3.raw('GET', url, '');
    const unknown = await m3.raw('GET', url, 'eyJhbGciOiJSUzI1NiJ9.bogus.sig');
    for (const [res, description] of [[missing, 'Access token missing'], [unknown, 'Access token invalid']] as const) {
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      expect(res.body.error_description).toBe(description);
    }
    const revoke = await fetch(sim.ionapi.pu + sim.ionapi.or, {
      method: 'POST',
      headers: { authorization: basic(sim.ionapi.ci, sim.ionapi.cs), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: m3.token, token_type_hint: 'access_token' }).toString(),
    });
    expect(revoke.status).toBe(200);
    expect(await revoke.text()).toBe('');
    const revoked = await getSupplier(m3);
    expect(revoked.status).toBe(401);
    expect(revoked.body.error_description).toBe('Access token revoked');
    expect(sim.stats().unauthorized).toBe(3);
  });

  test('revoking a refresh token kills it and the access tokens issued with it; a wrong client secret is 401', async () => {
    const io = sim.ionapi;
    const grant = await passwordGrant(io);
    const revoke = (token: string, cs = io.cs) =>
      fetch(io.pu + io.or, {
        method: 'POST',
        headers: { authorization: basic(io.ci, cs), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, token_type_hint: 'refresh_token' }).toString(),
      });
    expect((await revoke(grant.body.refresh_token, 'wrong')).status).toBe(401);
    expect((await revoke(grant.body.refresh_token)).status).toBe(200);
    const refresh = await tokenRequest(io, { grant_type: 'refresh_token', refresh_token: grant.body.refresh_token });
    expect(refresh.status).toBe(400);
    expect(refresh.body.error).toBe('invalid_grant');
    const m3 = new M3Client(sim);
    m3.token = grant.body.access_token;
    expect((await getSupplier(m3)).status).toBe(401);
  });

  test('without rotation the same refresh token keeps working and comes back unchanged', async () => {
    const first = await passwordGrant(sim.ionapi);
    const rt = first.body.refresh_token as string;
    for (let i = 0; i < 2; i++) {
      const res = await tokenRequest(sim.ionapi, { grant_type: 'refresh_token', refresh_token: rt });
      expect(res.status).toBe(200);
      expect(res.body.refresh_token).toBe(rt);
    }
  });

  test('with rotateRefreshToken the previous refresh token is invalid_grant and the newest works (§7 item 4)', async () => {
    sim.setConfig({ rotateRefreshToken: true });
    const first = await passwordGrant(sim.ionapi);
    const second = await tokenRequest(sim.ionapi, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
    const old = await tokenRequest(sim.ionapi, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
    expect(old.status).toBe(400);
    expect(old.body).toEqual({ error: 'invalid_grant', error_description: 'Invalid refresh token' });
    const third = await tokenRequest(sim.ionapi, { grant_type: 'refresh_token', refresh_token: second.body.refresh_token });
    expect(third.status).toBe(200);
  });

  test('a refresh token of another client is invalid_grant', async () => {
    const other = sim.registerClient({ ci: 'ACME_PRD~other', cs: 'o', saak: 'ACME_PRD#o', sask: 'o' });
    const mine = await passwordGrant(sim.ionapi);
    const res = await tokenRequest(other, { grant_type: 'refresh_token', refresh_token: mine.body.refresh_token });
    expect(res.body.error).toBe('invalid_grant');
  });
});

describe('token quotas (§8)', () => {
  test('more than tokensPerDay per client is 429 with Retry-After to UTC midnight (§7 item 5)', async () => {
    sim.setConfig({ tokensPerDay: 3 });
    for (let i = 0; i < 3; i++) expect((await passwordGrant(sim.ionapi)).status).toBe(200);
    const before = sim.server.clock.nowMs();
    const refused = await passwordGrant(sim.ionapi);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ error: 'Too Many Requests', message: 'Access token quota exceeded' });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(Math.abs(retryAfter - secondsToUtcMidnight(before))).toBeLessThanOrEqual(2);
    // Refresh grants count too, and other clients have their own quota.
    const other = sim.registerClient({ ci: 'ACME_PRD~quota', cs: 'q', saak: 'ACME_PRD#q', sask: 'q' });
    expect((await passwordGrant(other)).status).toBe(200);
    expect(sim.stats().tokensIssued[sim.ionapi.ci]).toBe(3);
    // The next UTC day has a fresh quota.
    sim.setClockOffset(retryAfter + 1);
    expect((await passwordGrant(sim.ionapi)).status).toBe(200);
  });

  test('more than authPerMinute token requests per tenant is 429 until the minute ends', async () => {
    sim.setConfig({ authPerMinute: 2 });
    // Failed authentications count as well.
    expect((await tokenRequest(sim.ionapi, { grant_type: 'password', username: 'x', password: 'y' })).status).toBe(400);
    expect((await passwordGrant(sim.ionapi)).status).toBe(200);
    const refused = await passwordGrant(sim.ionapi);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    sim.setClockOffset(retryAfter);
    expect((await passwordGrant(sim.ionapi)).status).toBe(200);
    expect(sim.stats().quotaRejections).toBe(1);
  });
});
