import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BaswareSimulator } from '../../../src/sandbox/basware/index.js';
import { ALL_SCOPES, CLIENT, UUID, basic, call, requestToken, startSim, token, vendor } from './sim-fixture.js';

function decodeClaims(jwt: string): Record<string, unknown> {
  const [, payload] = jwt.split('.');
  return JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('basware simulator /v1/tokens (§2, §9 items 1–6)', () => {
  let sim: BaswareSimulator;
  let us: BaswareSimulator;

  beforeAll(async () => {
    sim = await startSim();
    us = await startSim({ region: 'US' });
  });
  afterAll(async () => {
    await sim.close();
    await us.close();
  });
  beforeEach(() => {
    sim.reset();
    us.reset();
  });

  it('item 1: a valid request returns a JWT-shaped token with exp = iat + expires_in and the granted scopes only', async () => {
    sim.registerClient({ client_id: 'narrow', client_secret: 'narrow-secret', scopes: ['vendors.read', 'vendors.write'], bwcid: '020779-TEST1' });
    const res = await requestToken(sim.url, ['vendors.write', 'accounts.write'], { client_id: 'narrow', client_secret: 'narrow-secret' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amzn-requestid')).toMatch(UUID);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ scope: 'vendors.write', expires_in: 3600, token_type: 'Bearer' });
    const jwt = String(body.access_token);
    expect(jwt.split('.')).toHaveLength(3);
    const header = JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(header).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
    const claims = decodeClaims(jwt);
    expect(claims).toMatchObject({ sub: 'narrow', scope: 'vendors.write', iss: 'https://api.basware.com', aud: 'OpenAPI', bwcid: '020779-TEST1' });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3600);
  });

  it('item 1: tokenLifetimeSeconds changes expires_in and exp', async () => {
    sim.setConfig({ tokenLifetimeSeconds: 120 });
    try {
      const res = await requestToken(sim.url);
      const body = (await res.json()) as { access_token: string; expires_in: number };
      expect(body.expires_in).toBe(120);
      const claims = decodeClaims(body.access_token);
      expect(Number(claims.exp) - Number(claims.iat)).toBe(120);
    } finally {
      sim.setConfig({ tokenLifetimeSeconds: 3600 });
    }
  });

  it('item 2: a request without grant_type returns 400 invalid_request', async () => {
    const res = await fetch(`${sim.url}/v1/tokens`, {
      method: 'POST',
      headers: { authorization: basic(CLIENT.client_id, CLIENT.client_secret), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'scope=vendors.read',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_request', error_description: 'grant_type field required' });
  });

  it('item 2: a request without scope returns 400 invalid_request naming scope', async () => {
    const res = await fetch(`${sim.url}/v1/tokens`, {
      method: 'POST',
      headers: { authorization: basic(CLIENT.client_id, CLIENT.client_secret), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_request', error_description: 'scope field required' });
  });

  it('item 3: a wrong client secret or unknown client returns 401 invalid_client', async () => {
    const wrong = await requestToken(sim.url, ALL_SCOPES, { client_id: CLIENT.client_id, client_secret: 'wrong' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: 'invalid_client' });
    const unknown = await requestToken(sim.url, ALL_SCOPES, { client_id: 'nobody', client_secret: 'x' });
    expect(unknown.status).toBe(401);
  });

  it('item 4: a JSON body instead of a form body returns 422 with detail', async () => {
    const res = await fetch(`${sim.url}/v1/tokens`, {
      method: 'POST',
      headers: { authorization: basic(CLIENT.client_id, CLIENT.client_secret), 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', scope: 'vendors.read' }),
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { detail: Array<{ loc: string[]; type: string }> };
    expect(body.detail.map((d) => d.loc.join('.'))).toEqual(['body.grant_type', 'body.scope']);
    expect(body.detail[0]!.type).toBe('value_error.missing');
  });

  it('item 4: a missing Authorization header returns 422 naming header.authorization', async () => {
    const res = await fetch(`${sim.url}/v1/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=vendors.read',
    });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ detail: [{ loc: ['header', 'authorization'], msg: 'field required', type: 'value_error.missing' }] });
  });

  it('unsupported grant_type and an unusable scope are 400', async () => {
    const grant = await fetch(`${sim.url}/v1/tokens`, {
      method: 'POST',
      headers: { authorization: basic(CLIENT.client_id, CLIENT.client_secret), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=password&scope=vendors.read',
    });
    expect(grant.status).toBe(400);
    expect(await grant.json()).toEqual({ error: 'unsupported_grant_type' });
    const scope = await requestToken(sim.url, ['subscriptions.write']); // not registered for CLIENT
    expect(scope.status).toBe(400);
    expect(await scope.json()).toEqual({ error: 'invalid_scope' });
  });

  it('item 5: a token used after expires_in seconds gets 401 {"message":"Unauthorized"}', async () => {
    const tok = await token(sim);
    expect((await call(sim, 'GET', '/v1/vendors', { token: tok })).status).toBe(404); // valid: empty list
    sim.server.clock.offsetSeconds = 3600;
    const res = await call(sim, 'GET', '/v1/vendors', { token: tok });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ message: 'Unauthorized' });
    expect(res.headers.get('x-amzn-requestid')).toMatch(UUID);
  });

  it('item 5: one second before exp the token still works', async () => {
    const tok = await token(sim);
    sim.server.clock.offsetSeconds = 3598;
    expect((await call(sim, 'GET', '/v1/vendors', { token: tok })).status).toBe(404);
  });

  it('item 6: a token without the needed scope gets 401', async () => {
    const readOnly = await token(sim, ['vendors.read']);
    const res = await call(sim, 'POST', '/v1/vendors', { token: readOnly, body: [vendor(1)] });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ message: 'Unauthorized' });
    expect(sim.store.requestStatuses.size).toBe(0);
  });

  it("item 6: a token from another region's instance gets 401", async () => {
    const usToken = await token(us);
    expect(decodeClaims(usToken).iss).toBe('https://api.us.basware.com');
    const res = await call(sim, 'GET', '/v1/vendors', { token: usToken });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ message: 'Unauthorized' });
  });

  it('missing, malformed and reset-cleared tokens get 401', async () => {
    expect((await call(sim, 'GET', '/v1/vendors')).status).toBe(401);
    expect((await call(sim, 'GET', '/v1/vendors', { token: 'not-a-jwt' })).status).toBe(401);
    const tok = await token(sim);
    sim.reset();
    expect((await call(sim, 'GET', '/v1/vendors', { token: tok })).status).toBe(401);
  });

  it('HTTP Basic with the API credentials is accepted on P2P calls (§2)', async () => {
    const res = await call(sim, 'GET', '/v1/vendors', { headers: { authorization: basic(CLIENT.client_id, CLIENT.client_secret) } });
    expect(res.status).toBe(404);
    const bad = await call(sim, 'GET', '/v1/vendors', { headers: { authorization: basic(CLIENT.client_id, 'nope') } });
    expect(bad.status).toBe(401);
  });

  it('§7: more than 20 token requests a minute per client get 429 with Retry-After', async () => {
    for (let i = 0; i < 20; i++) expect((await requestToken(sim.url)).status).toBe(200);
    const limited = await requestToken(sim.url);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited.json()).toEqual({ message: 'Too Many Requests' });
    sim.server.clock.offsetSeconds = 61;
    expect((await requestToken(sim.url)).status).toBe(200);
  });
});
