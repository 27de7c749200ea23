import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BaswareSimulator } from '../../../src/sandbox/basware/index.js';
import { UUID, call, requestToken, startSim, token, vendor } from './sim-fixture.js';

describe('basware simulator rate limit (§7, §9 item 46) and fault switches', () => {
  let sim: BaswareSimulator;
  let tok: string;

  beforeAll(async () => {
    sim = await startSim();
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(async () => {
    sim.reset();
    sim.setConfig({ ratePerMinute: 300, latencyMs: 0 });
    tok = await token(sim);
  });

  it('item 46: more than ratePerMinute requests in 60 s get 429 Too Many Requests with Retry-After; rejected ones do not count', async () => {
    sim.setConfig({ ratePerMinute: 5 });
    for (let i = 0; i < 5; i++) expect((await call(sim, 'GET', '/v1/vendors', { token: tok })).status).toBe(404);
    const limited = await call(sim, 'GET', '/v1/vendors', { token: tok });
    expect(limited.status).toBe(429);
    expect(limited.json).toEqual({ message: 'Too Many Requests' });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.headers.get('x-amzn-requestid')).toMatch(UUID);
    // Ten more rejected requests do not push the window further out.
    for (let i = 0; i < 10; i++) expect((await call(sim, 'GET', '/v1/vendors', { token: tok })).status).toBe(429);
    sim.server.clock.offsetSeconds = 60;
    expect((await call(sim, 'GET', '/v1/vendors', { token: tok })).status).toBe(404);
  });

  it('item 46: the budget is per API account', async () => {
    sim.setConfig({ ratePerMinute: 2 });
    sim.registerClient({ client_id: 'other', client_secret: 'other-secret' });
    const otherRes = await requestToken(sim.url, ['vendors.read'], { client_id: 'other', client_secret: 'other-secret' });
    const other = ((await otherRes.json()) as { access_token: string }).access_token;
    await call(sim, 'GET', '/v1/vendors', { token: tok });
    await call(sim, 'GET', '/v1/vendors', { token: tok });
    expect((await call(sim, 'GET', '/v1/vendors', { token: tok })).status).toBe(429);
    expect((await call(sim, 'GET', '/v1/vendors', { token: other })).status).toBe(404);
  });

  it('fail5xxNext: the next N API calls answer 503 ResponseEntityList TECHNICAL with no side effect', async () => {
    sim.setConfig({ fail5xxNext: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await call(sim, 'POST', '/v1/vendors', { token: tok, body: [vendor(1)] });
      expect(res.status).toBe(503);
      expect(res.json).toMatchObject({ hasErrors: true, errors: [{ type: 'TECHNICAL', code: 'UNEXPECTED_ERROR' }] });
      expect(res.json.requestId).toBe(res.headers.get('x-amzn-requestid'));
    }
    expect(sim.store.requestStatuses.size).toBe(0);
    expect(sim.config.fail5xxNext.count).toBe(0);
    expect((await call(sim, 'POST', '/v1/vendors', { token: tok, body: [vendor(1)] })).status).toBe(200);
  });

  it('fail5xxNext by default spares /v1/tokens; pathPrefix can target it', async () => {
    sim.setConfig({ fail5xxNext: 1 });
    expect((await requestToken(sim.url)).status).toBe(200);
    expect((await call(sim, 'GET', '/v1/vendors', { token: tok })).status).toBe(503);
    sim.setConfig({ fail5xxNext: { count: 1, pathPrefix: '/v1/tokens' } });
    expect((await call(sim, 'GET', '/v1/vendors', { token: tok })).status).toBe(404);
    expect((await requestToken(sim.url)).status).toBe(503);
  });

  it('fail500Next: answers 500 ResponseEntityList without side effect; method narrows the target', async () => {
    sim.setConfig({ fail500Next: { count: 1, method: 'POST' } });
    expect((await call(sim, 'GET', '/v1/vendors', { token: tok })).status).toBe(404);
    const res = await call(sim, 'POST', '/v1/vendors', { token: tok, body: [vendor(1)] });
    expect(res.status).toBe(500);
    expect(res.json.errors[0]).toMatchObject({ type: 'TECHNICAL', code: 'UNEXPECTED_ERROR' });
    expect(sim.store.requestStatuses.size).toBe(0);
  });

  it('rateLimitNext: the next N calls get 429 with the given Retry-After and use no budget', async () => {
    sim.setConfig({ ratePerMinute: 1, rateLimitNext: { count: 2, retryAfterSeconds: 7 } });
    for (let i = 0; i < 2; i++) {
      const res = await call(sim, 'GET', '/v1/vendors', { token: tok });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(res.json).toEqual({ message: 'Too Many Requests' });
    }
    expect((await call(sim, 'GET', '/v1/vendors', { token: tok })).status).toBe(404);
  });

  it('resetNext: the connection is destroyed without an answer and nothing is stored', async () => {
    sim.setConfig({ resetNext: 1 });
    await expect(call(sim, 'POST', '/v1/vendors', { token: tok, body: [vendor(1)] })).rejects.toThrow();
    expect(sim.store.requestStatuses.size).toBe(0);
    expect((await call(sim, 'POST', '/v1/vendors', { token: tok, body: [vendor(1)] })).status).toBe(200);
  });

  it('failAfterCommitNext: the import is accepted and processed, but the answer is 502', async () => {
    sim.setConfig({ failAfterCommitNext: 1 });
    const res = await call(sim, 'POST', '/v1/vendors', { token: tok, body: [vendor(1)] });
    expect(res.status).toBe(502);
    const requestId = res.headers.get('x-amzn-requestid')!;
    expect(sim.store.requestStatuses.has(requestId)).toBe(true);
    await sim.drain();
    expect(sim.store.vendors.has('V-1')).toBe(true);
  });

  it('latencyMs delays every API answer', async () => {
    sim.setConfig({ latencyMs: 120 });
    const started = Date.now();
    await call(sim, 'GET', '/v1/vendors', { token: tok });
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('control endpoints are never faulted or rate limited', async () => {
    sim.setConfig({ fail5xxNext: { count: 1, pathPrefix: '/' } });
    const res = await fetch(`${sim.url}/_sim/config`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { fail5xxNext: { count: number } }).fail5xxNext.count).toBe(1);
  });
});
