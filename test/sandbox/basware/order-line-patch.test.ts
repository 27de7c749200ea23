import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BaswareSimulator } from '../../../src/sandbox/basware/index.js';
import { call, importAndDrain, line, order, requestStatusOf, startSim, token, vendor } from './sim-fixture.js';

const GR1 = { externalCode: 'GR-1', goodsReceiptNumber: '4876', goodsReceiptLineNumber: '1', quantity: 4, deliveryDate: '2024-03-15T00:00:00Z', isDeleted: false };
const GR2 = { externalCode: 'GR-2', goodsReceiptNumber: '4877', quantity: 6 };

describe('basware simulator PATCH /v1/matchingOrderLines/{externalCode} (§4.2, §9 items 19–21)', () => {
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
    sim.setConfig({ patchLockMs: 500 });
    tok = await token(sim);
    await call(sim, 'POST', '/v1/vendors', { token: tok, body: [vendor(81264)] });
    await call(sim, 'POST', '/v1/matchingOrders', { token: tok, body: [order(1, '81264')] });
    await importAndDrain(sim, tok, '/v1/matchingOrderLines', [line(1, 'PO-1', { comment: 'Envelopes A5', goodsReceipts: [GR1] })]);
  });

  it('item 19: new goodsReceipts are merged by GR externalCode, other fields kept, nulls ignored', async () => {
    const before = sim.store.matchingOrderLines.get('L-1')!;
    const res = await call(sim, 'PATCH', '/v1/matchingOrderLines/L-1', {
      token: tok,
      body: { comment: null, goodsReceipts: [GR2, { ...GR1, quantity: 5, comment: null }] },
    });
    expect(res.status).toBe(200);
    expect(res.json.comment).toBe('Envelopes A5');
    expect(res.json.quantity).toBe(10);
    expect(res.json.goodsReceipts).toEqual([
      { ...GR1, quantity: 5, deliveryDate: '2024-03-15T00:00:00.000Z' },
      GR2,
    ]);
    const stored = sim.store.matchingOrderLines.get('L-1')!;
    expect(stored).toEqual(res.json);
    expect(String(stored.lastUpdated) > String(before.lastUpdated)).toBe(true);
    // The PATCH has its own request status, like a POST.
    const requestId = res.headers.get('x-amzn-requestid')!;
    expect((await requestStatusOf(sim, tok, requestId)).operationType).toBe('PATCH');
    await sim.drain();
    const status = await requestStatusOf(sim, tok, requestId);
    expect(status.requestStatus).toBe('Success');
    expect(status.systems[0].items[0]).toMatchObject({ externalCode: 'L-1', parentExternalCode: 'PO-1', status: 'Success' });
  });

  it('item 19: a later POST of the line replaces the whole line including its goods receipts', async () => {
    await call(sim, 'PATCH', '/v1/matchingOrderLines/L-1', { token: tok, body: { goodsReceipts: [GR2] } });
    await importAndDrain(sim, tok, '/v1/matchingOrderLines', [line(1, 'PO-1', { goodsReceipts: [GR1] })]);
    expect((sim.store.matchingOrderLines.get('L-1')!.goodsReceipts as unknown[]).length).toBe(1);
  });

  it('item 20: a concurrent PATCH of the same line returns 503; after patchLockMs it succeeds', async () => {
    sim.setConfig({ patchLockMs: 300 });
    const first = call(sim, 'PATCH', '/v1/matchingOrderLines/L-1', { token: tok, body: { goodsReceipts: [GR2] } });
    const second = call(sim, 'PATCH', '/v1/matchingOrderLines/L-1', { token: tok, body: { goodsReceipts: [{ ...GR2, externalCode: 'GR-3' }] } });
    const statuses = (await Promise.all([first, second])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 503]);
    const rejected = (await Promise.all([first, second])).find((r) => r.status === 503)!;
    expect(rejected.json).toMatchObject({ hasErrors: true, errors: [{ type: 'TECHNICAL', code: 'UNEXPECTED_ERROR' }] });
    expect(rejected.headers.get('retry-after')).toBeNull();
    await new Promise((r) => setTimeout(r, 350));
    const retry = await call(sim, 'PATCH', '/v1/matchingOrderLines/L-1', { token: tok, body: { goodsReceipts: [{ ...GR2, externalCode: 'GR-3' }] } });
    expect(retry.status).toBe(200);
    expect((retry.json.goodsReceipts as Array<{ externalCode: string }>).map((g) => g.externalCode)).toEqual(['GR-1', 'GR-2', 'GR-3']);
  });

  it('item 20: a PATCH of another line is not blocked by the lock', async () => {
    await importAndDrain(sim, tok, '/v1/matchingOrderLines', [line(2, 'PO-1')]);
    expect((await call(sim, 'PATCH', '/v1/matchingOrderLines/L-1', { token: tok, body: { comment: 'a' } })).status).toBe(200);
    expect((await call(sim, 'PATCH', '/v1/matchingOrderLines/L-2', { token: tok, body: { comment: 'b' } })).status).toBe(200);
  });

  it('item 21: PATCH and single GET of an unknown externalCode return 404 with an empty body', async () => {
    const patch = await call(sim, 'PATCH', '/v1/matchingOrderLines/NOPE', { token: tok, body: { comment: 'x' } });
    expect(patch.status).toBe(404);
    expect(patch.text).toBe('');
    for (const path of ['/v1/matchingOrderLines/NOPE', '/v1/vendors/NOPE', '/v1/accounts/NOPE', '/v1/matchingOrders/NOPE', '/v1/lists/ACC_LIST_1/NOPE']) {
      const res = await call(sim, 'GET', path, { token: tok });
      expect(res.status, path).toBe(404);
      expect(res.text, path).toBe('');
    }
    const known = await call(sim, 'GET', '/v1/matchingOrderLines/L-1', { token: tok });
    expect(known.status).toBe(200);
    expect(known.json.externalCode).toBe('L-1');
  });

  it('a PATCH with an unknown property or a different externalCode is a 400 and changes nothing', async () => {
    const before = structuredClone(sim.store.matchingOrderLines.get('L-1'));
    const unknown = await call(sim, 'PATCH', '/v1/matchingOrderLines/L-1', { token: tok, body: { colour: 'red' } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.errors[0].code).toBe('SCHEMA_VALIDATION_ERROR');
    const badGr = await call(sim, 'PATCH', '/v1/matchingOrderLines/L-1', { token: tok, body: { goodsReceipts: [{ externalCode: 'GR-9' }] } });
    expect(badGr.status).toBe(400);
    const mismatch = await call(sim, 'PATCH', '/v1/matchingOrderLines/L-1', { token: tok, body: { externalCode: 'L-2' } });
    expect(mismatch.status).toBe(400);
    expect(mismatch.json.errors[0].code).toBe('EXTERNAL_CODE_MISMATCH');
    expect(sim.store.matchingOrderLines.get('L-1')).toEqual(before);
  });
});
