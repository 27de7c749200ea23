import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BaswareSimulator } from '../../../src/sandbox/basware/index.js';
import { account, call, importAndDrain, line, order, startSim, token, vendor } from './sim-fixture.js';

const TOKEN_HEADER = 'x-amz-meta-continuationtoken';

describe('basware simulator reads and continuation tokens (§3.3, §4.3, §9 items 23–28)', () => {
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
    sim.setConfig({ maxDocsPerPage: null, companies: ['BW00', 'BW10'] });
    tok = await token(sim);
  });

  /** Five vendors in three imports, so lastUpdated differs between groups. */
  async function seedVendors(): Promise<string[]> {
    const stamps: string[] = [];
    for (const group of [[1, 2], [3, 4], [5]]) {
      const res = await importAndDrain(sim, tok, '/v1/vendors', group.map((n) => vendor(n)));
      stamps.push(res.json[0].lastUpdated);
      await new Promise((r) => setTimeout(r, 3));
    }
    return stamps;
  }

  it('GET /v1/vendors returns {"vendorEntities":[…]} sorted by lastUpdated, then externalCode', async () => {
    await seedVendors();
    const res = await call(sim, 'GET', '/v1/vendors', { token: tok });
    expect(res.status).toBe(200);
    expect(res.json.vendorEntities.map((v: { externalCode: string }) => v.externalCode)).toEqual(['V-1', 'V-2', 'V-3', 'V-4', 'V-5']);
    expect(res.headers.get(TOKEN_HEADER)).toBeNull();
    const single = await call(sim, 'GET', '/v1/vendors/V-3', { token: tok });
    expect(single.json).toMatchObject({ externalCode: 'V-3', vendorCode: '3' });
  });

  it('item 23: ?lastUpdated=X returns only records updated strictly after X', async () => {
    const [first, second] = await seedVendors();
    const res = await call(sim, 'GET', `/v1/vendors?lastUpdated=${encodeURIComponent(first!)}`, { token: tok });
    expect(res.json.vendorEntities.map((v: { externalCode: string }) => v.externalCode)).toEqual(['V-3', 'V-4', 'V-5']);
    const later = await call(sim, 'GET', `/v1/vendors?lastUpdated=${encodeURIComponent(second!)}`, { token: tok });
    expect(later.json.vendorEntities.map((v: { externalCode: string }) => v.externalCode)).toEqual(['V-5']);
    const bad = await call(sim, 'GET', '/v1/vendors?lastUpdated=yesterday', { token: tok });
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].code).toBe('PARAMETER_VALIDATION_ERROR');
  });

  it('item 24: a list with no match returns 404 with an empty body, never 200 []', async () => {
    const empty = await call(sim, 'GET', '/v1/vendors', { token: tok });
    expect(empty.status).toBe(404);
    expect(empty.text).toBe('');
    const [, , last] = await seedVendors();
    const none = await call(sim, 'GET', `/v1/vendors?lastUpdated=${encodeURIComponent(last!)}`, { token: tok });
    expect(none.status).toBe(404);
  });

  it('item 25: more than pageSize results carry a token; the next page needs the header and the same query; the last has none', async () => {
    await seedVendors();
    const seen: string[] = [];
    let next: string | null = null;
    let pages = 0;
    do {
      const res = await call(sim, 'GET', '/v1/vendors?pageSize=2&companyCode=BW00', { token: tok, headers: next ? { [TOKEN_HEADER]: next } : {} });
      expect(res.status).toBe(200);
      seen.push(...res.json.vendorEntities.map((v: { externalCode: string }) => v.externalCode));
      next = res.headers.get(TOKEN_HEADER);
      pages++;
    } while (next);
    expect(pages).toBe(3);
    expect(seen).toEqual(['V-1', 'V-2', 'V-3', 'V-4', 'V-5']);
  });

  it('item 25: query parameter names and order do not change the query (ASP.NET binding)', async () => {
    await seedVendors();
    const page1 = await call(sim, 'GET', '/v1/vendors?pageSize=2&companyCode=BW00', { token: tok });
    const page2 = await call(sim, 'GET', '/v1/vendors?CompanyCode=BW00&PageSize=2', { token: tok, headers: { [TOKEN_HEADER]: page1.headers.get(TOKEN_HEADER)! } });
    expect(page2.status).toBe(200);
    expect(page2.json.vendorEntities[0].externalCode).toBe('V-3');
  });

  it('item 25: records that change between pages are not skipped (keyset paging)', async () => {
    await seedVendors();
    const page1 = await call(sim, 'GET', '/v1/vendors?pageSize=2', { token: tok });
    // V-1 changes: it moves to the end of the order and is seen again there, nothing in between is lost.
    await importAndDrain(sim, tok, '/v1/vendors', [vendor(1, { name: 'Changed' })]);
    const rest: string[] = [];
    let next = page1.headers.get(TOKEN_HEADER);
    while (next) {
      const res = await call(sim, 'GET', '/v1/vendors?pageSize=2', { token: tok, headers: { [TOKEN_HEADER]: next } });
      rest.push(...res.json.vendorEntities.map((v: { externalCode: string }) => v.externalCode));
      next = res.headers.get(TOKEN_HEADER);
    }
    expect(rest).toEqual(['V-3', 'V-4', 'V-5', 'V-1']);
  });

  it('item 26: a token with changed query parameters, an unknown token or an expired token gets 400 PARAMETER_VALIDATION_ERROR', async () => {
    await seedVendors();
    const page1 = await call(sim, 'GET', '/v1/vendors?pageSize=2', { token: tok });
    const next = page1.headers.get(TOKEN_HEADER)!;
    const changed = await call(sim, 'GET', '/v1/vendors?pageSize=3', { token: tok, headers: { [TOKEN_HEADER]: next } });
    expect(changed.status).toBe(400);
    expect(changed.json.errors[0]).toMatchObject({ type: 'VALIDATION', code: 'PARAMETER_VALIDATION_ERROR' });
    const otherPath = await call(sim, 'GET', '/v1/accounts?pageSize=2', { token: tok, headers: { [TOKEN_HEADER]: next } });
    expect(otherPath.status).toBe(400);
    const unknown = await call(sim, 'GET', '/v1/vendors?pageSize=2', { token: tok, headers: { [TOKEN_HEADER]: 'e799fdb7-222c-4e0f-af2f-881f4beae654' } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.errors[0].code).toBe('PARAMETER_VALIDATION_ERROR');
    sim.server.clock.offsetSeconds = 15 * 60;
    const fresh = await token(sim);
    const expired = await call(sim, 'GET', '/v1/vendors?pageSize=2', { token: fresh, headers: { [TOKEN_HEADER]: next } });
    expect(expired.status).toBe(400);
    expect(expired.json.errors[0].message).toContain('expired');
  });

  it('item 26: a token sent as a query parameter is ignored and the first page comes back', async () => {
    await seedVendors();
    const page1 = await call(sim, 'GET', '/v1/vendors?pageSize=2', { token: tok });
    const next = page1.headers.get(TOKEN_HEADER)!;
    const asQuery = await call(sim, 'GET', `/v1/vendors?pageSize=2&${TOKEN_HEADER}=${next}`, { token: tok });
    expect(asQuery.status).toBe(200);
    expect(asQuery.json.vendorEntities.map((v: { externalCode: string }) => v.externalCode)).toEqual(['V-1', 'V-2']);
  });

  it('item 27: pageSize outside its range returns 400; matchingOrderLines needs orderExternalCode', async () => {
    for (const path of ['/v1/vendors?pageSize=0', '/v1/vendors?pageSize=501', '/v1/accounts?pageSize=abc', '/v1/matchingOrderLines?orderExternalCode=PO-1&pageSize=101']) {
      const res = await call(sim, 'GET', path, { token: tok });
      expect(res.status, path).toBe(400);
      expect(res.json.errors[0].code, path).toBe('PARAMETER_VALIDATION_ERROR');
    }
    expect((await call(sim, 'GET', '/v1/vendors?pageSize=500', { token: tok })).status).toBe(404);
    const noOrder = await call(sim, 'GET', '/v1/matchingOrderLines', { token: tok });
    expect(noOrder.status).toBe(400);
    expect(noOrder.json.errors[0].code).toBe('PARAMETER_VALIDATION_ERROR');
  });

  it('item 28: maxDocsPerPage forces short pages that still carry a token', async () => {
    await seedVendors();
    sim.setConfig({ maxDocsPerPage: 1 });
    const page1 = await call(sim, 'GET', '/v1/vendors?pageSize=100', { token: tok });
    expect(page1.json.vendorEntities).toHaveLength(1);
    expect(page1.headers.get(TOKEN_HEADER)).toBeTruthy();
    let next = page1.headers.get(TOKEN_HEADER);
    let count = 1;
    while (next) {
      const res = await call(sim, 'GET', '/v1/vendors?pageSize=100', { token: tok, headers: { [TOKEN_HEADER]: next } });
      count += res.json.vendorEntities.length;
      next = res.headers.get(TOKEN_HEADER);
    }
    expect(count).toBe(5);
  });

  it('companyCode filters vendors and accounts; accounts use {"accounts":[…]}', async () => {
    await importAndDrain(sim, tok, '/v1/vendors', [vendor(1), vendor(2, { companies: [{ companyCode: 'BW10' }] })]);
    await importAndDrain(sim, tok, '/v1/accounts', [account(1)]);
    const bw10 = await call(sim, 'GET', '/v1/vendors?companyCode=BW10', { token: tok });
    expect(bw10.json.vendorEntities.map((v: { externalCode: string }) => v.externalCode)).toEqual(['V-2']);
    const accounts = await call(sim, 'GET', '/v1/accounts', { token: tok });
    expect(accounts.json).toEqual({ accounts: [expect.objectContaining({ externalCode: 'A-1' })] });
    expect((await call(sim, 'GET', '/v1/accounts?companyCode=BW10', { token: tok })).status).toBe(404);
  });

  it('matchingOrderLines are read per order, wrapped in {"matchingOrderLines":[…]}', async () => {
    await call(sim, 'POST', '/v1/vendors', { token: tok, body: [vendor(1)] });
    await call(sim, 'POST', '/v1/matchingOrders', { token: tok, body: [order(1, '1'), order(2, '1')] });
    await importAndDrain(sim, tok, '/v1/matchingOrderLines', [line(1, 'PO-1'), line(2, 'PO-1'), line(3, 'PO-2')]);
    const res = await call(sim, 'GET', '/v1/matchingOrderLines?orderExternalCode=PO-1', { token: tok });
    expect(res.json.matchingOrderLines.map((l: { externalCode: string }) => l.externalCode)).toEqual(['L-1', 'L-2']);
    const orders = await call(sim, 'GET', '/v1/matchingOrders', { token: tok });
    expect(orders.json.matchingOrders).toHaveLength(2);
  });

  it('read scopes are checked: a vendors.read token cannot list accounts', async () => {
    const vendorsRead = await token(sim, ['vendors.read']);
    expect((await call(sim, 'GET', '/v1/vendors', { token: vendorsRead })).status).toBe(404);
    expect((await call(sim, 'GET', '/v1/accounts', { token: vendorsRead })).status).toBe(401);
  });
});
