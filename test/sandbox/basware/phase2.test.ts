import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BaswareSimulator } from '../../../src/sandbox/basware/index.js';
import { account, call, costCenter, importAndDrain, line, order, requestStatusOf, startSim, token, vendor } from './sim-fixture.js';

describe('basware simulator phase 2 and request status (§4.4, §9 items 13–18, 21–22)', () => {
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
    sim.setConfig({ asyncDelayMs: 50, companies: ['BW00'], paymentTerms: ['Net30'] });
    tok = await token(sim);
  });

  it('item 13: requestStatus is InProgress right after the POST and Success with per-item status after asyncDelayMs', async () => {
    sim.setConfig({ asyncDelayMs: 400 }); // long enough that a cold first request still sees InProgress
    const post = await call(sim, 'POST', '/v1/vendors', { token: tok, body: [vendor(1), vendor(2)] });
    const requestId = post.headers.get('x-amzn-requestid')!;
    const before = await call(sim, 'GET', `/v1/requestStatus/${requestId}`, { token: tok });
    expect(before.status).toBe(200);
    expect(before.json.requestStatus[0]).toMatchObject({
      requestId,
      entityType: 'Vendor',
      entityVersion: 'VendorV1',
      requestStatus: 'InProgress',
      changedBy: 'mlsync-test',
      operationType: 'POST',
      genericListKey: null,
      systems: [{ system: 'P2P', module: 'IA', systemStatus: 'InProgress', items: [{ externalCode: 'V-1', status: 'InProgress' }, { externalCode: 'V-2', status: 'InProgress' }] }],
    });
    expect(sim.store.vendors.size).toBe(0); // stored only in phase 2
    await sim.drain();
    const after = await requestStatusOf(sim, tok, requestId);
    expect(after.requestStatus).toBe('Success');
    expect(after.systems[0].systemStatus).toBe('Success');
    expect(after.systems[0].items).toEqual([
      { externalCode: 'V-1', parentExternalCode: null, status: 'Success', errors: [] },
      { externalCode: 'V-2', parentExternalCode: null, status: 'Success', errors: [] },
    ]);
    expect(sim.store.vendors.get('V-1')).toMatchObject({ vendorCode: '1', lastUpdated: post.json[0].lastUpdated });
    expect(sim.store.vendors.get('V-1')!.buvid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('item 14: an identical re-import is NotProcessed, aggregate Success, record and lastUpdated unchanged', async () => {
    await importAndDrain(sim, tok, '/v1/vendors', [vendor(1, { vendorClass: null })]);
    const stored = structuredClone(sim.store.vendors.get('V-1'));
    // Same content, keys reordered, a null added: still identical.
    const same = { companies: [{ inheritToChildUnits: true, companyCode: 'BW00' }], name: 'Vendor 1', vendorCode: '1', externalCode: 'V-1', paymentTerms: { paymentTermCode: 'Net30' }, sourceSystem: null };
    const again = await importAndDrain(sim, tok, '/v1/vendors', [same]);
    const status = await requestStatusOf(sim, tok, again.headers.get('x-amzn-requestid')!);
    expect(status.requestStatus).toBe('Success');
    expect(status.systems[0].items[0].status).toBe('NotProcessed');
    expect(sim.store.vendors.get('V-1')).toEqual(stored);
  });

  it('item 15: a changed re-import is Success, clears omitted optional fields and advances lastUpdated', async () => {
    await importAndDrain(sim, tok, '/v1/vendors', [vendor(1, { vendorClass: 'A', sourceSystem: 'INFOR-M3' })]);
    const first = structuredClone(sim.store.vendors.get('V-1')!);
    await new Promise((r) => setTimeout(r, 5));
    const changed = await importAndDrain(sim, tok, '/v1/vendors', [vendor(1, { name: 'Renamed' })]);
    const status = await requestStatusOf(sim, tok, changed.headers.get('x-amzn-requestid')!);
    expect(status.systems[0].items[0].status).toBe('Success');
    const second = sim.store.vendors.get('V-1')!;
    expect(second.name).toBe('Renamed');
    expect(second).not.toHaveProperty('vendorClass');
    expect(second).not.toHaveProperty('sourceSystem');
    expect(second.buvid).toBe(first.buvid);
    expect(String(second.lastUpdated) > String(first.lastUpdated)).toBe(true);
  });

  it('item 16: the same externalCode posted twice inside asyncDelayMs: first RecordExpired, only the second stored', async () => {
    sim.setConfig({ asyncDelayMs: 400 });
    const first = await call(sim, 'POST', '/v1/vendors', { token: tok, body: [vendor(1, { name: 'First' }), vendor(2)] });
    const second = await call(sim, 'POST', '/v1/vendors', { token: tok, body: [vendor(1, { name: 'Second' })] });
    await sim.drain();
    const s1 = await requestStatusOf(sim, tok, first.headers.get('x-amzn-requestid')!);
    const s2 = await requestStatusOf(sim, tok, second.headers.get('x-amzn-requestid')!);
    expect(s1.systems[0].items[0]).toMatchObject({ externalCode: 'V-1', status: 'RecordExpired', errors: [{ type: 'RecordExpired' }] });
    expect(s1.systems[0].items[1]).toMatchObject({ externalCode: 'V-2', status: 'Success' });
    expect(s1.requestStatus).toBe('Success');
    expect(s2.systems[0].items[0].status).toBe('Success');
    expect(sim.store.vendors.get('V-1')!.name).toBe('Second');
  });

  it('item 16: the same externalCode in two different collections does not expire', async () => {
    sim.setConfig({ asyncDelayMs: 300 });
    await call(sim, 'POST', '/v1/lists/ACC_LIST_1', { token: tok, body: [{ externalCode: 'X' }] });
    await call(sim, 'POST', '/v1/lists/ACC_LIST_2', { token: tok, body: [{ externalCode: 'X' }] });
    await sim.drain();
    expect(sim.store.lists.get('ACC_LIST_1')?.has('X')).toBe(true);
    expect(sim.store.lists.get('ACC_LIST_2')?.has('X')).toBe(true);
  });

  it('item 17: an unknown companyCode gives item Error / DataValidation and aggregate Error', async () => {
    const res = await importAndDrain(sim, tok, '/v1/vendors', [vendor(1), vendor(2, { companies: [{ companyCode: 'ZZ99' }] })]);
    const status = await requestStatusOf(sim, tok, res.headers.get('x-amzn-requestid')!);
    expect(status.requestStatus).toBe('Error');
    expect(status.systems[0].items[1]).toEqual({
      externalCode: 'V-2',
      parentExternalCode: null,
      status: 'Error',
      errors: [{ type: 'Error', message: 'Record skipped due to wrong or missing CompanyCode', category: 'DataValidation' }],
    });
    expect(status.systems[0].items[0].status).toBe('Success');
    expect(sim.store.vendors.has('V-1')).toBe(true);
    expect(sim.store.vendors.has('V-2')).toBe(false);
  });

  it('§4.4: the configured companies decide; accounts and cost centers are checked too', async () => {
    sim.setConfig({ companies: ['BW00', 'BW10'] });
    const res = await importAndDrain(sim, tok, '/v1/accounts', [account(1, { companies: [{ companyCode: 'BW10', inherit: true, active: true }] }), account(2, { companies: [{ companyCode: 'XX', inherit: true, active: true }] })]);
    const status = await requestStatusOf(sim, tok, res.headers.get('x-amzn-requestid')!);
    expect(status.systems[0].items.map((i: { status: string }) => i.status)).toEqual(['Success', 'Error']);
    const cc = await importAndDrain(sim, tok, '/v1/costCenters', [costCenter(1, { companies: [{ companyCode: 'XX', active: true }] })]);
    expect((await requestStatusOf(sim, tok, cc.headers.get('x-amzn-requestid')!)).requestStatus).toBe('Error');
  });

  it('§4.4: a vendor with an unconfigured paymentTermCode is an item Error', async () => {
    const res = await importAndDrain(sim, tok, '/v1/vendors', [vendor(1, { paymentTerms: { paymentTermCode: 'Net45' } })]);
    const status = await requestStatusOf(sim, tok, res.headers.get('x-amzn-requestid')!);
    expect(status.systems[0].items[0].status).toBe('Error');
    expect(status.systems[0].items[0].errors[0].message).toContain('Net45');
  });

  it('§4.4: a vendorCode already used by another externalCode in the same company is an item Error', async () => {
    await importAndDrain(sim, tok, '/v1/vendors', [vendor(1)]);
    const res = await importAndDrain(sim, tok, '/v1/vendors', [{ ...vendor(1), externalCode: 'V-OTHER' }]);
    const status = await requestStatusOf(sim, tok, res.headers.get('x-amzn-requestid')!);
    expect(status.systems[0].items[0].status).toBe('Error');
    expect(status.systems[0].items[0].errors[0].message).toContain("vendorCode '1' is already used by externalCode 'V-1'");
    sim.setConfig({ companies: ['BW00', 'BW10'] });
    const otherCompany = await importAndDrain(sim, tok, '/v1/vendors', [{ ...vendor(1), externalCode: 'V-BW10', companies: [{ companyCode: 'BW10' }] }]);
    expect((await requestStatusOf(sim, tok, otherCompany.headers.get('x-amzn-requestid')!)).requestStatus).toBe('Success');
  });

  it('item 18: an order whose supplierCode is not a vendor, and a line whose order does not exist, are item Errors', async () => {
    const orphanOrder = await importAndDrain(sim, tok, '/v1/matchingOrders', [order(1, '99999')]);
    const s1 = await requestStatusOf(sim, tok, orphanOrder.headers.get('x-amzn-requestid')!);
    expect(s1.requestStatus).toBe('Error');
    expect(s1.systems[0].items[0].errors[0].message).toContain("supplierCode '99999'");
    const orphanLine = await importAndDrain(sim, tok, '/v1/matchingOrderLines', [line(1, 'PO-NOPE')]);
    const s2 = await requestStatusOf(sim, tok, orphanLine.headers.get('x-amzn-requestid')!);
    expect(s2.systems[0].items[0]).toMatchObject({ externalCode: 'L-1', parentExternalCode: 'PO-NOPE', status: 'Error' });
    expect(s2.systems[0].items[0].errors[0].message).toContain("orderExternalCode 'PO-NOPE'");
  });

  it('item 18: vendor, order and lines posted back to back are processed FIFO and all succeed', async () => {
    const ids: string[] = [];
    for (const [path, records] of [
      ['/v1/vendors', [vendor(81264)]],
      ['/v1/matchingOrders', [order(1, '81264')]],
      ['/v1/matchingOrderLines', [line(1, 'PO-1'), line(2, 'PO-1')]],
    ] as const) {
      const res = await call(sim, 'POST', path, { token: tok, body: records });
      ids.push(res.headers.get('x-amzn-requestid')!);
    }
    await sim.drain();
    for (const id of ids) expect((await requestStatusOf(sim, tok, id)).requestStatus).toBe('Success');
    expect(sim.store.matchingOrderLines.size).toBe(2);
  });

  it('item 21: an unknown requestId returns 404 with an empty body', async () => {
    const res = await call(sim, 'GET', '/v1/requestStatus/00000000-0000-4000-8000-000000000000', { token: tok });
    expect(res.status).toBe(404);
    expect(res.text).toBe('');
  });

  it('ignoreSuccessfulItems hides Success and NotProcessed items on the single GET', async () => {
    const res = await importAndDrain(sim, tok, '/v1/vendors', [vendor(1), vendor(2, { companies: [{ companyCode: 'NOPE' }] })]);
    const id = res.headers.get('x-amzn-requestid')!;
    const filtered = await call(sim, 'GET', `/v1/requestStatus/${id}?ignoreSuccessfulItems=true&system=P2P`, { token: tok });
    expect(filtered.json.requestStatus[0].systems[0].items.map((i: { externalCode: string }) => i.externalCode)).toEqual(['V-2']);
  });

  it('item 22: acknowledge returns 200, the status becomes Acknowledged*, a repeat returns 405', async () => {
    const ok = await importAndDrain(sim, tok, '/v1/vendors', [vendor(1)]);
    const bad = await importAndDrain(sim, tok, '/v1/vendors', [vendor(2, { companies: [{ companyCode: 'NOPE' }] })]);
    const ids = [ok.headers.get('x-amzn-requestid')!, bad.headers.get('x-amzn-requestid')!];
    const ack = await call(sim, 'POST', '/v1/requestStatus/acknowledge', { token: tok, body: { requestIds: ids } });
    expect(ack.status).toBe(200);
    expect(ack.json).toBe('Acknowledged');
    expect((await requestStatusOf(sim, tok, ids[0]!)).requestStatus).toBe('AcknowledgedSuccess');
    expect((await requestStatusOf(sim, tok, ids[1]!)).requestStatus).toBe('AcknowledgedError');
    const again = await call(sim, 'POST', '/v1/requestStatus/acknowledge', { token: tok, body: { requestIds: [ids[0]] } });
    expect(again.status).toBe(405);
    expect(again.json.errors[0]).toMatchObject({ type: 'BUSINESS', code: 'METHOD_NOT_ALLOWED' });
    const unknown = await call(sim, 'POST', '/v1/requestStatus/acknowledge', { token: tok, body: { requestIds: ['nope'] } });
    expect(unknown.status).toBe(404);
  });

  it('GET /v1/requestStatus lists Error requests by default, filters by status/entityType and pages', async () => {
    await importAndDrain(sim, tok, '/v1/vendors', [vendor(1)]);
    for (let i = 0; i < 3; i++) await importAndDrain(sim, tok, '/v1/vendors', [vendor(10 + i, { companies: [{ companyCode: 'NOPE' }] })]);
    await importAndDrain(sim, tok, '/v1/accounts', [account(1)]);
    const errors = await call(sim, 'GET', '/v1/requestStatus', { token: tok });
    expect(errors.status).toBe(200);
    expect(errors.json.requestStatus).toHaveLength(3);
    expect(errors.json.requestStatus.every((r: { requestStatus: string }) => r.requestStatus === 'Error')).toBe(true);
    const accounts = await call(sim, 'GET', '/v1/requestStatus?entityType=Account', { token: tok });
    expect(accounts.json.requestStatus.map((r: { entityType: string }) => r.entityType)).toEqual(['Account']);
    const page1 = await call(sim, 'GET', '/v1/requestStatus?status=Error&pageSize=2', { token: tok });
    const next = page1.headers.get('x-amz-meta-continuationtoken');
    expect(page1.json.requestStatus).toHaveLength(2);
    expect(next).toBeTruthy();
    const page2 = await call(sim, 'GET', '/v1/requestStatus?status=Error&pageSize=2', { token: tok, headers: { 'x-amz-meta-continuationtoken': next! } });
    expect(page2.json.requestStatus).toHaveLength(1);
    expect(page2.headers.get('x-amz-meta-continuationtoken')).toBeNull();
    // The list path spells it ignoreSuccessfullItems (§4.4).
    const mixed = await importAndDrain(sim, tok, '/v1/vendors', [vendor(50), vendor(51, { companies: [{ companyCode: 'NOPE' }] })]);
    const since = new Date(Date.now() - 60_000).toISOString();
    const onlyBad = await call(sim, 'GET', `/v1/requestStatus?status=Error&ignoreSuccessfullItems=true&lastUpdated=${since}`, { token: tok });
    const entry = onlyBad.json.requestStatus.find((r: { requestId: string }) => r.requestId === mixed.headers.get('x-amzn-requestid'));
    expect(entry.systems[0].items.map((i: { externalCode: string }) => i.externalCode)).toEqual(['V-51']);
    const none = await call(sim, 'GET', '/v1/requestStatus?status=AcknowledgedError', { token: tok });
    expect(none.status).toBe(404);
  });
});
