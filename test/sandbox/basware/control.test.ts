import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BaswareSimulator } from '../../../src/sandbox/basware/index.js';
import { DEFAULT_CONFIG, startBaswareSimulator } from '../../../src/sandbox/basware/index.js';
import { call, requestToken, vendor } from './sim-fixture.js';

async function sim(method: string, base: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

describe('basware simulator control endpoints (§8)', () => {
  let s: BaswareSimulator;

  beforeAll(async () => {
    s = await startBaswareSimulator({ config: { asyncDelayMs: 20 } });
  });
  afterAll(async () => {
    await s.close();
  });

  it('defaults are the documented ones', () => {
    expect(DEFAULT_CONFIG).toMatchObject({
      tokenLifetimeSeconds: 3600,
      ratePerMinute: 300,
      asyncDelayMs: 1000,
      patchLockMs: 500,
      presignTtlSeconds: 900,
      presignBaseUrl: null,
      continuationTokenOn: 'final',
      maxDocsPerPage: null,
      companies: ['BW00'],
      paymentTerms: ['Net30'],
    });
  });

  it('POST /_sim/clients registers credentials that /v1/tokens then accepts, with only the registered scopes', async () => {
    const reg = await sim('POST', s.url, '/_sim/clients', { client_id: 'harness', client_secret: 'harness-secret', scopes: ['vendors.read', 'vendors.write'], bwcid: '020779-TEST1' });
    expect(reg.status).toBe(200);
    expect(JSON.stringify(reg.json)).not.toContain('harness-secret');
    const res = await requestToken(s.url, ['vendors.write', 'accounts.write'], { client_id: 'harness', client_secret: 'harness-secret' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { scope: string }).scope).toBe('vendors.write');
  });

  it('PUT /_sim/config changes listed keys and refuses unknown keys and bad values', async () => {
    const ok = await sim('PUT', s.url, '/_sim/config', { companies: ['BW00', 'BW10'], continuationTokenOn: 'both', maxDocsPerPage: 3, presignBaseUrl: 'http://localhost:1' });
    expect(ok.status).toBe(200);
    expect(s.config).toMatchObject({ companies: ['BW00', 'BW10'], continuationTokenOn: 'both', maxDocsPerPage: 3, presignBaseUrl: 'http://localhost:1' });
    const unknown = await sim('PUT', s.url, '/_sim/config', { colour: 'red' });
    expect(unknown.status).toBe(400);
    expect(unknown.json.message).toContain('colour');
    const bad = await sim('PUT', s.url, '/_sim/config', { continuationTokenOn: 'sometimes' });
    expect(bad.status).toBe(400);
    expect(() => s.setConfig({ ratePerMinute: -1 })).toThrow(/ratePerMinute/);
    s.setConfig({ maxDocsPerPage: null, presignBaseUrl: null, continuationTokenOn: 'final' });
  });

  it('POST /_sim/accountingDocuments stores documents as WaitingForTransfer with lastUpdated = now', async () => {
    const res = await sim('POST', s.url, '/_sim/accountingDocuments', [
      { invoiceId: 'doc-1', companyCode: 'BW00', supplierCode: '81264', currencyCode: 'USD', grossSum: 100 },
    ]);
    expect(res.status).toBe(200);
    const doc = s.store.accountingDocuments.get('doc-1')!;
    expect(doc.processingStatus).toBe('WaitingForTransfer');
    expect(Math.abs(Date.parse(String(doc.lastUpdated)) - Date.now())).toBeLessThan(5000);
    const bad = await sim('POST', s.url, '/_sim/accountingDocuments', [{ invoiceId: 'doc-2' }]);
    expect(bad.status).toBe(400);
    expect(bad.json.message).toContain('companyCode');
  });

  it('PUT /_sim/clock shifts the simulator clock (token expiry)', async () => {
    s.registerClient({ client_id: 'clock', client_secret: 'clock-secret' });
    const res = await requestToken(s.url, ['vendors.read'], { client_id: 'clock', client_secret: 'clock-secret' });
    const tok = ((await res.json()) as { access_token: string }).access_token;
    expect((await call(s, 'GET', '/v1/vendors', { token: tok })).status).toBe(404);
    const shifted = await sim('PUT', s.url, '/_sim/clock', { offsetSeconds: 7200 });
    expect(shifted.status).toBe(200);
    expect(Date.parse(shifted.json.now) - Date.now()).toBeGreaterThan(7100_000);
    expect((await call(s, 'GET', '/v1/vendors', { token: tok })).status).toBe(401);
    expect((await sim('PUT', s.url, '/_sim/clock', { offsetSeconds: 'soon' })).status).toBe(400);
  });

  it('GET /_sim/requests returns the request log with headers; POST /_sim/reset clears data, tokens and the clock', async () => {
    s.registerClient({ client_id: 'log', client_secret: 'log-secret', scopes: ['vendors.write'] });
    await sim('PUT', s.url, '/_sim/clock', { offsetSeconds: 0 });
    const res = await requestToken(s.url, ['vendors.write'], { client_id: 'log', client_secret: 'log-secret' });
    const tok = ((await res.json()) as { access_token: string }).access_token;
    await call(s, 'POST', '/v1/vendors', { token: tok, body: [vendor(1)], headers: { 'x-bw-request-id': 'corr-1' } });
    await s.drain();
    const log = await sim('GET', s.url, '/_sim/requests');
    const post = (log.json as Array<{ method: string; url: string; headers: Record<string, string>; status: number; ts: string }>).find((r) => r.method === 'POST' && r.url === '/v1/vendors');
    expect(post).toMatchObject({ method: 'POST', status: 200, headers: expect.objectContaining({ 'x-bw-request-id': 'corr-1' }) });
    expect(s.store.vendors.size).toBe(1);

    await sim('PUT', s.url, '/_sim/clock', { offsetSeconds: 30 });
    expect((await sim('POST', s.url, '/_sim/reset')).status).toBe(200);
    expect(s.store.vendors.size).toBe(0);
    expect(s.store.accountingDocuments.size).toBe(0);
    expect(s.server.clock.offsetSeconds).toBe(0);
    expect((await call(s, 'POST', '/v1/vendors', { token: tok, body: [vendor(1)] })).status).toBe(401);
    // Clients and config survive a reset.
    expect((await requestToken(s.url, ['vendors.write'], { client_id: 'log', client_secret: 'log-secret' })).status).toBe(200);
    expect(s.config.asyncDelayMs).toBe(20);
  });

  it('GET /_sim/store dumps the data for out-of-process harnesses', async () => {
    s.addAccountingDocuments([{ invoiceId: 'doc-9', companyCode: 'BW00', supplierCode: '1', currencyCode: 'EUR' }]);
    const dump = await sim('GET', s.url, '/_sim/store');
    expect(dump.json.accountingDocuments['doc-9']).toMatchObject({ invoiceId: 'doc-9' });
    expect(dump.json.vendors).toEqual({});
  });

  it('unknown /v1 paths answer 404 with a request id', async () => {
    const res = await fetch(`${s.url}/v1/nothing`);
    expect(res.status).toBe(404);
    expect(res.headers.get('x-amzn-requestid')).toBeTruthy();
  });
});
