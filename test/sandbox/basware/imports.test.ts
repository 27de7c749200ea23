import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BaswareSimulator } from '../../../src/sandbox/basware/index.js';
import { UUID, account, call, costCenter, line, order, startSim, token, vendor } from './sim-fixture.js';

describe('basware simulator import POSTs, phase 1 (§3.2, §4.1, §4.2, §9 items 8–12)', () => {
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
    tok = await token(sim);
  });

  it('item 8: a valid vendor import returns 200 echoing the array with lastUpdated and a uuid x-amzn-RequestId', async () => {
    const body = [vendor(81264, { sourceSystem: 'INFOR-M3', addresses: [{ externalCode: 'ADDR-1', name: 'Postal', addressType: 'PostalAddress', cityName: 'Dallas', countryId: 'US' }] })];
    const res = await call(sim, 'POST', '/v1/vendors', { token: tok, body });
    expect(res.status).toBe(200);
    const requestId = res.headers.get('x-amzn-requestid');
    expect(requestId).toMatch(UUID);
    expect(res.json).toHaveLength(1);
    expect(res.json[0]).toMatchObject(body[0]!);
    expect(res.json[0].lastUpdated).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(sim.store.requestStatuses.get(requestId!)?.entityType).toBe('Vendor');
  });

  it('item 8: accounts, cost centers, lists, orders and lines are echoed the same way', async () => {
    const cases: Array<[string, Record<string, unknown>]> = [
      ['/v1/accounts', account(6100, { taxCode: 'T25' })],
      ['/v1/costCenters', costCenter(61300)],
      ['/v1/lists/ACC_LIST_5', { externalCode: 'LIST-1', text_1: 'PRJ-2024-017', text_2: 'Warehouse 3 retrofit', number_1: 10000, companies: [{ companyCode: 'BW00', active: true }] }],
      ['/v1/matchingOrders', order(450004534, '81264', { created: '2024-03-01T00:00:00Z' })],
      ['/v1/matchingOrderLines', line(1, 'PO-450004534', { goodsReceipts: [{ externalCode: 'GR-1', goodsReceiptNumber: '4876', quantity: 10 }] })],
    ];
    for (const [path, record] of cases) {
      const res = await call(sim, 'POST', path, { token: tok, body: [record] });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('x-amzn-requestid'), path).toMatch(UUID);
      expect(res.json[0].externalCode).toBe(record.externalCode);
      expect(typeof res.json[0].lastUpdated).toBe('string');
    }
  });

  it('§3.1: date-times are echoed as UTC ISO 8601 with milliseconds; YYYY-MM-DD is accepted', async () => {
    const res = await call(sim, 'POST', '/v1/matchingOrders', {
      token: tok,
      body: [order(1, '1', { created: '2024-03-01T02:00:00+02:00', validTo: '2024-12-31' })],
    });
    expect(res.status).toBe(200);
    expect(res.json[0].created).toBe('2024-03-01T00:00:00.000Z');
    expect(res.json[0].validTo).toBe('2024-12-31T00:00:00.000Z');
  });

  it('item 9: 201 vendors, 101 lines or 501 accounts give 400 SCHEMA_VALIDATION_ERROR and store nothing', async () => {
    const vendors = await call(sim, 'POST', '/v1/vendors', { token: tok, body: Array.from({ length: 201 }, (_, i) => vendor(i)) });
    expect(vendors.status).toBe(400);
    expect(vendors.json.errors[0]).toMatchObject({ type: 'VALIDATION', code: 'SCHEMA_VALIDATION_ERROR', message: 'Maximum 200 records per request' });
    expect(vendors.json.requestId).toBe(vendors.headers.get('x-amzn-requestid'));
    const lines = await call(sim, 'POST', '/v1/matchingOrderLines', { token: tok, body: Array.from({ length: 101 }, (_, i) => line(i, 'PO-1')) });
    expect(lines.status).toBe(400);
    expect(lines.json.errors[0].message).toBe('Maximum 100 records per request');
    const accounts = await call(sim, 'POST', '/v1/accounts', { token: tok, body: Array.from({ length: 501 }, (_, i) => account(i)) });
    expect(accounts.status).toBe(400);
    expect(accounts.json.errors[0].message).toBe('Maximum 500 records per request');
    const exactly = await call(sim, 'POST', '/v1/vendors', { token: tok, body: Array.from({ length: 200 }, (_, i) => vendor(i)) });
    expect(exactly.status).toBe(200);
    // Only the accepted request left a status record.
    expect(sim.store.requestStatuses.size).toBe(1);
  });

  it('item 10: a body over 6,291,456 bytes returns 413 {"message":"Request Too Long"}', async () => {
    const big = [vendor(1, { name: 'x'.repeat(6_291_456) })];
    const res = await call(sim, 'POST', '/v1/vendors', { token: tok, body: big });
    expect(res.status).toBe(413);
    expect(res.json).toEqual({ message: 'Request Too Long' });
    expect(sim.store.requestStatuses.size).toBe(0);
  });

  it('item 11: missing required, too long and unknown properties give one error per bad record with externalCode', async () => {
    const good = vendor(1);
    const missingName = vendor(2);
    delete missingName.name;
    const tooLong = vendor(3, { vendorCode: 'x'.repeat(26) });
    const unknown = vendor(4, { nickname: 'Gadgets' });
    const res = await call(sim, 'POST', '/v1/vendors', { token: tok, body: [good, missingName, tooLong, unknown] });
    expect(res.status).toBe(400);
    expect(res.json.hasErrors).toBe(true);
    expect(res.json.errors).toEqual([
      { externalCode: 'V-2', type: 'VALIDATION', code: 'SCHEMA_VALIDATION_ERROR', message: 'The name field is required.', info: 'VendorEntity' },
      { externalCode: 'V-3', type: 'VALIDATION', code: 'SCHEMA_VALIDATION_ERROR', message: 'The field vendorCode must be a string with a maximum length of 25.', info: 'VendorEntity' },
      { externalCode: 'V-4', type: 'VALIDATION', code: 'SCHEMA_VALIDATION_ERROR', message: 'The property nickname is not allowed in VendorEntity.', info: 'VendorEntity' },
    ]);
    await sim.drain();
    expect(sim.store.vendors.size).toBe(0);
    expect(sim.store.requestStatuses.size).toBe(0);
  });

  it('item 11: nested problems name their path (required company code, unknown address field, enum)', async () => {
    const res = await call(sim, 'POST', '/v1/vendors', {
      token: tok,
      body: [vendor(1, { companies: [{ inheritToChildUnits: true }], addresses: [{ externalCode: 'A1', colour: 'red' }] })],
    });
    expect(res.status).toBe(400);
    expect(res.json.errors[0].message).toContain('The companies[0].companyCode field is required.');
    expect(res.json.errors[0].message).toContain('addresses[0].colour');
    const lineRes = await call(sim, 'POST', '/v1/matchingOrderLines', { token: tok, body: [line(1, 'PO-1', { matchingMode: 'Sometimes', quantity: 0 })] });
    expect(lineRes.status).toBe(400);
    expect(lineRes.json.errors[0].message).toContain("The value 'Sometimes' is not valid for matchingMode");
  });

  it('§4.2: a line quantity of 0 is rejected in phase 1', async () => {
    const res = await call(sim, 'POST', '/v1/matchingOrderLines', { token: tok, body: [line(1, 'PO-1', { quantity: 0 })] });
    expect(res.status).toBe(400);
    expect(res.json.errors[0]).toMatchObject({ externalCode: 'L-1', message: 'The field quantity must be greater than 0.' });
  });

  it('item 12: the same externalCode twice in one array returns 409 CONFLICT_IN_POST and stores nothing', async () => {
    const res = await call(sim, 'POST', '/v1/vendors', { token: tok, body: [vendor(1), vendor(1, { name: 'Other' })] });
    expect(res.status).toBe(409);
    expect(res.json.errors).toEqual([expect.objectContaining({ externalCode: 'V-1', code: 'CONFLICT_IN_POST' })]);
    await sim.drain();
    expect(sim.store.vendors.size).toBe(0);
  });

  it('§4.1: list cells outside the listKey range, texts over its length and unknown listKeys give 400', async () => {
    const outside = await call(sim, 'POST', '/v1/lists/ACC_LIST_5', { token: tok, body: [{ externalCode: 'L1', text_6: 'x' }] });
    expect(outside.status).toBe(400);
    expect(outside.json.errors[0]).toMatchObject({ externalCode: 'L1', code: 'SCHEMA_VALIDATION_ERROR' });
    expect(outside.json.errors[0].message).toContain('text_6 is not available in ACC_LIST_5');
    const long = await call(sim, 'POST', '/v1/lists/ACC_LIST_11', { token: tok, body: [{ externalCode: 'L1', text_1: 'x'.repeat(51) }] });
    expect(long.status).toBe(400);
    const dates = await call(sim, 'POST', '/v1/lists/ACC_LIST_21', { token: tok, body: [{ externalCode: 'L1', text_10: 'ok', dateValue_5: '2024-01-01' }] });
    expect(dates.status).toBe(200);
    const unknownKey = await call(sim, 'POST', '/v1/lists/ACC_LIST_36', { token: tok, body: [{ externalCode: 'L1' }] });
    expect(unknownKey.status).toBe(400);
    expect(unknownKey.json.errors[0].code).toBe('PARAMETER_VALIDATION_ERROR');
  });

  it('a body that is not a JSON array, or not JSON, or not sent as JSON is refused', async () => {
    const object = await call(sim, 'POST', '/v1/vendors', { token: tok, body: vendor(1) });
    expect(object.status).toBe(400);
    const broken = await call(sim, 'POST', '/v1/vendors', { token: tok, body: '[{"externalCode":' });
    expect(broken.status).toBe(400);
    expect(broken.json.errors[0].code).toBe('SCHEMA_VALIDATION_ERROR');
    const form = await call(sim, 'POST', '/v1/vendors', { token: tok, body: JSON.stringify([vendor(1)]), headers: { 'content-type': 'text/plain' } });
    expect(form.status).toBe(415);
    const patchJson = await call(sim, 'POST', '/v1/vendors', { token: tok, body: [vendor(1)], headers: { 'content-type': 'application/json-patch+json' } });
    expect(patchJson.status).toBe(200);
  });

  it('write scopes are per API: a vendors.write token cannot import accounts', async () => {
    const vendorsOnly = await token(sim, ['vendors.write']);
    expect((await call(sim, 'POST', '/v1/vendors', { token: vendorsOnly, body: [vendor(1)] })).status).toBe(200);
    expect((await call(sim, 'POST', '/v1/accounts', { token: vendorsOnly, body: [account(1)] })).status).toBe(401);
  });
});
