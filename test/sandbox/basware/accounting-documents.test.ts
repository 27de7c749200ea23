import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BaswareSimulator } from '../../../src/sandbox/basware/index.js';
import { call, requestStatusOf, startSim, token } from './sim-fixture.js';

const TOKEN_HEADER = 'x-amz-meta-continuationtoken';
const WAITING = '/v1/accountingDocuments?ProcessingStatus=WaitingForTransfer&pageSize=100&companyCode=BW00';

function invoice(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    invoiceId: id,
    invoiceNumber: `INV-${id}`,
    companyCode: 'BW00',
    supplierCode: '81264',
    currencyCode: 'USD',
    netSum: 1000,
    grossSum: 1160,
    paymentBlock: false,
    codingRows: [{ externalCode: `${id}-row1`, rowIndex: 1, accountCode: '6100', costCenterCode: '61300', netTotal: 1000, grossTotal: 1160 }],
    ...extra,
  };
}

const transfer = (code: string, extra: Record<string, unknown> = {}) => ({
  externalCode: code,
  success: true,
  responseMessage: 'Posted to M3 as supplier invoice 2024-004512',
  sourceSystem: 'INFOR-M3',
  voucherNumber1: '114785224',
  transferDate: '2024-03-19T09:31:00Z',
  paymentBlock: false,
  ...extra,
});

const payment = (code: string, extra: Record<string, unknown> = {}) => ({
  externalCode: code,
  success: true,
  paymentBlock: false,
  paymentMethod: 'ACH',
  paidTotal: 1160,
  cashDiscount: 0,
  ...extra,
});

describe('basware simulator accounting documents (§3.3, §4.5, §9 items 29–38)', () => {
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
    sim.setConfig({ continuationTokenOn: 'final', maxDocsPerPage: null, presignTtlSeconds: 900, presignBaseUrl: null });
    tok = await token(sim);
  });

  /** Follow a 302 the way the client must: no Authorization. */
  async function follow(location: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(location, { headers, redirect: 'manual' });
  }

  it('item 29: the list GET answers 302 to a pre-signed same-origin URL whose 200 carries the wrapped documents', async () => {
    sim.addAccountingDocuments([invoice('inv1'), invoice('inv2')]);
    const res = await call(sim, 'GET', WAITING, { token: tok });
    expect(res.status).toBe(302);
    const location = res.headers.get('location')!;
    const url = new URL(location);
    expect(url.origin).toBe(sim.url);
    expect(url.pathname).toMatch(/^\/_s3\/exports\/.+\.json$/);
    expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-Date')).toMatch(/^\d{8}T\d{6}Z$/);
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    const final = await follow(location);
    expect(final.status).toBe(200);
    const body = (await final.json()) as { accountingDocuments: Array<Record<string, unknown>> };
    expect(body.accountingDocuments.map((d) => d.invoiceId)).toEqual(['inv1', 'inv2']);
    expect(body.accountingDocuments[0]).toMatchObject({ processingStatus: 'WaitingForTransfer', transferResponses: [], paymentResponses: [] });
    // The redirected request reached the simulator without Authorization.
    const s3 = sim.server.log.find((r) => r.url.startsWith('/_s3/'))!;
    expect(s3.headers.authorization).toBeUndefined();
  });

  it('item 29: the single GET answers 302 → {"accountingDocuments":[<one>]}; unknown invoiceId is 404', async () => {
    sim.addAccountingDocuments([invoice('inv1')]);
    const res = await call(sim, 'GET', '/v1/accountingDocuments/inv1', { token: tok });
    expect(res.status).toBe(302);
    const final = await follow(res.headers.get('location')!);
    expect(((await final.json()) as { accountingDocuments: unknown[] }).accountingDocuments).toHaveLength(1);
    const unknown = await call(sim, 'GET', '/v1/accountingDocuments/nope', { token: tok });
    expect(unknown.status).toBe(404);
  });

  it('item 30: Authorization on the redirected request gets 400 XML InvalidArgument', async () => {
    sim.addAccountingDocuments([invoice('inv1')]);
    const res = await call(sim, 'GET', WAITING, { token: tok });
    const final = await follow(res.headers.get('location')!, { authorization: `Bearer ${tok}` });
    expect(final.status).toBe(400);
    const xml = await final.text();
    expect(xml).toContain('<Code>InvalidArgument</Code>');
    expect(xml).toContain('<Message>Only one auth mechanism allowed</Message>');
  });

  it('item 30: after presignTtlSeconds the URL gets 403 XML AccessDenied; a tampered signature too', async () => {
    sim.setConfig({ presignTtlSeconds: 60 });
    sim.addAccountingDocuments([invoice('inv1')]);
    const res = await call(sim, 'GET', WAITING, { token: tok });
    const location = res.headers.get('location')!;
    const tampered = location.replace(/X-Amz-Signature=([0-9a-f])/, (_, c: string) => `X-Amz-Signature=${c === 'a' ? 'b' : 'a'}`);
    expect((await follow(tampered)).status).toBe(403);
    sim.server.clock.offsetSeconds = 61;
    const expired = await follow(location);
    expect(expired.status).toBe(403);
    const xml = await expired.text();
    expect(xml).toContain('<Code>AccessDenied</Code>');
    expect(xml).toContain('<Message>Request has expired</Message>');
  });

  it('presignBaseUrl moves the Location to another base', async () => {
    const alias = sim.url.replace('127.0.0.1', 'localhost');
    sim.setConfig({ presignBaseUrl: alias });
    sim.addAccountingDocuments([invoice('inv1')]);
    const res = await call(sim, 'GET', WAITING, { token: tok });
    expect(res.headers.get('location')!.startsWith(`${alias}/_s3/`)).toBe(true);
  });

  it('item 31: the continuation token is on the final 200 by default, on the 302 with "redirect", on both with "both"', async () => {
    sim.addAccountingDocuments([invoice('inv1'), invoice('inv2'), invoice('inv3')]);
    const path = '/v1/accountingDocuments?ProcessingStatus=WaitingForTransfer&pageSize=2';
    for (const placement of ['final', 'redirect', 'both'] as const) {
      sim.setConfig({ continuationTokenOn: placement });
      const redirect = await call(sim, 'GET', path, { token: tok });
      const final = await follow(redirect.headers.get('location')!);
      const onRedirect = redirect.headers.get(TOKEN_HEADER);
      const onFinal = final.headers.get(TOKEN_HEADER);
      expect(Boolean(onRedirect), placement).toBe(placement !== 'final');
      expect(Boolean(onFinal), placement).toBe(placement !== 'redirect');
      const next = (onFinal ?? onRedirect)!;
      const page2 = await call(sim, 'GET', path, { token: tok, headers: { [TOKEN_HEADER]: next } });
      const body = (await (await follow(page2.headers.get('location')!)).json()) as { accountingDocuments: Array<{ invoiceId: string }> };
      expect(body.accountingDocuments.map((d) => d.invoiceId), placement).toEqual(['inv3']);
    }
  });

  it('item 28/31: maxDocsPerPage gives short pages with a token on accountingDocuments', async () => {
    sim.setConfig({ maxDocsPerPage: 1 });
    sim.addAccountingDocuments([invoice('inv1'), invoice('inv2')]);
    const redirect = await call(sim, 'GET', WAITING, { token: tok });
    const final = await follow(redirect.headers.get('location')!);
    expect(((await final.json()) as { accountingDocuments: unknown[] }).accountingDocuments).toHaveLength(1);
    expect(final.headers.get(TOKEN_HEADER)).toBeTruthy();
  });

  it('item 32: no document awaiting transfer gives 404 directly, with no redirect', async () => {
    const res = await call(sim, 'GET', WAITING, { token: tok });
    expect(res.status).toBe(404);
    expect(res.headers.get('location')).toBeNull();
  });

  it('item 33: acknowledge sets TransferInProgress, bumps lastUpdated and drops the invoice from the next WaitingForTransfer GET', async () => {
    sim.addAccountingDocuments([invoice('inv1'), invoice('inv2')]);
    const before = String(sim.store.accountingDocuments.get('inv1')!.lastUpdated);
    await new Promise((r) => setTimeout(r, 3));
    const ack = await call(sim, 'POST', '/v1/accountingDocuments/inv1/acknowledge', { token: tok, headers: { 'content-type': 'application/json' } });
    expect(ack.status).toBe(200);
    expect(ack.json).toBe('Acknowledged');
    const doc = sim.store.accountingDocuments.get('inv1')!;
    expect(doc.processingStatus).toBe('TransferInProgress');
    expect(String(doc.lastUpdated) > before).toBe(true);
    const list = await call(sim, 'GET', WAITING, { token: tok });
    const body = (await (await follow(list.headers.get('location')!)).json()) as { accountingDocuments: Array<{ invoiceId: string }> };
    expect(body.accountingDocuments.map((d) => d.invoiceId)).toEqual(['inv2']);
  });

  it('item 34: a second acknowledge returns 405 METHOD_NOT_ALLOWED; an unknown invoiceId returns 404', async () => {
    sim.addAccountingDocuments([invoice('inv1')]);
    await call(sim, 'POST', '/v1/accountingDocuments/inv1/acknowledge', { token: tok });
    const again = await call(sim, 'POST', '/v1/accountingDocuments/inv1/acknowledge', { token: tok });
    expect(again.status).toBe(405);
    expect(again.json.errors[0]).toEqual({ externalCode: 'inv1', type: 'BUSINESS', code: 'METHOD_NOT_ALLOWED', message: 'Invoice already acknowledged', info: null });
    expect((await call(sim, 'POST', '/v1/accountingDocuments/nope/acknowledge', { token: tok })).status).toBe(404);
  });

  it('item 35: transferResponse success:true sets Transferred and saves voucher numbers; it creates a requestStatus', async () => {
    sim.addAccountingDocuments([invoice('inv1')]);
    await call(sim, 'POST', '/v1/accountingDocuments/inv1/acknowledge', { token: tok });
    const res = await call(sim, 'POST', '/v1/accountingDocuments/inv1/transferResponses', { token: tok, body: transfer('tr-1', { voucherNumber2: 'V2' }) });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ externalCode: 'tr-1', success: true, transferDate: '2024-03-19T09:31:00.000Z' });
    const doc = sim.store.accountingDocuments.get('inv1')!;
    expect(doc).toMatchObject({ processingStatus: 'Transferred', voucherNumber1: '114785224', voucherNumber2: 'V2' });
    expect((doc.transferResponses as unknown[]).length).toBe(1);
    await sim.drain();
    const status = await requestStatusOf(sim, tok, res.headers.get('x-amzn-requestid')!);
    expect(status).toMatchObject({ entityType: 'TransferResponse', requestStatus: 'Success' });
  });

  it('item 35: success:false sets TransferFailed and keeps the message only; a later success is accepted', async () => {
    sim.addAccountingDocuments([invoice('inv1')]);
    const res = await call(sim, 'POST', '/v1/accountingDocuments/inv1/transferResponses', { token: tok, body: transfer('tr-1', { success: false, responseMessage: 'Supplier blocked in M3' }) });
    expect(res.status).toBe(200);
    const doc = sim.store.accountingDocuments.get('inv1')!;
    expect(doc.processingStatus).toBe('TransferFailed');
    expect(doc).not.toHaveProperty('voucherNumber1');
    expect((doc.transferResponses as Array<Record<string, unknown>>)[0]).toMatchObject({ responseMessage: 'Supplier blocked in M3' });
    expect((doc.transferResponses as Array<Record<string, unknown>>)[0]).not.toHaveProperty('voucherNumber1');
    expect((await call(sim, 'POST', '/v1/accountingDocuments/inv1/transferResponses', { token: tok, body: transfer('tr-2') })).status).toBe(200);
    expect(sim.store.accountingDocuments.get('inv1')!.processingStatus).toBe('Transferred');
  });

  it('item 36: a transferResponse on a Transferred invoice, or reusing an externalCode, returns 400', async () => {
    sim.addAccountingDocuments([invoice('inv1'), invoice('inv2')]);
    await call(sim, 'POST', '/v1/accountingDocuments/inv1/transferResponses', { token: tok, body: transfer('tr-1') });
    const onTransferred = await call(sim, 'POST', '/v1/accountingDocuments/inv1/transferResponses', { token: tok, body: transfer('tr-2') });
    expect(onTransferred.status).toBe(400);
    expect(onTransferred.json.errors[0]).toMatchObject({ type: 'BUSINESS', code: 'DATA_VALIDATION_FAILED' });
    await call(sim, 'POST', '/v1/accountingDocuments/inv2/transferResponses', { token: tok, body: transfer('tr-9', { success: false }) });
    const reused = await call(sim, 'POST', '/v1/accountingDocuments/inv2/transferResponses', { token: tok, body: transfer('tr-9') });
    expect(reused.status).toBe(400);
    expect(reused.json.errors[0].code).toBe('CONFLICT_IN_POST');
    const invalid = await call(sim, 'POST', '/v1/accountingDocuments/inv2/transferResponses', { token: tok, body: { externalCode: 'x', success: true } });
    expect(invalid.status).toBe(400);
    expect(invalid.json.errors[0].code).toBe('SCHEMA_VALIDATION_ERROR');
  });

  it('item 37: paymentResponse: 200 on Transferred, 409 on a reused externalCode, 400 before transfer, omitted fields cleared, full payment → Paid', async () => {
    sim.addAccountingDocuments([invoice('inv1'), invoice('inv2')]);
    const early = await call(sim, 'POST', '/v1/accountingDocuments/inv2/paymentResponses', { token: tok, body: payment('pay-x') });
    expect(early.status).toBe(400);
    await call(sim, 'POST', '/v1/accountingDocuments/inv1/transferResponses', { token: tok, body: transfer('tr-1') });
    const partial = await call(sim, 'POST', '/v1/accountingDocuments/inv1/paymentResponses', { token: tok, body: payment('pay-1', { paidTotal: 500, paymentMessage: 'first half' }) });
    expect(partial.status).toBe(200);
    expect(partial.json.paymentDate).toMatch(/T00:00:00\.000Z$/); // defaulted to today
    let doc = sim.store.accountingDocuments.get('inv1')!;
    expect(doc).toMatchObject({ processingStatus: 'Transferred', paymentMethod: 'ACH', paymentMessage: 'first half' });
    const reused = await call(sim, 'POST', '/v1/accountingDocuments/inv1/paymentResponses', { token: tok, body: payment('pay-1') });
    expect(reused.status).toBe(409);
    expect(reused.json.errors[0].code).toBe('CONFLICT_IN_POST');
    const full = await call(sim, 'POST', '/v1/accountingDocuments/inv1/paymentResponses', { token: tok, body: { externalCode: 'pay-2', success: true, paymentBlock: false, paidTotal: 1100, cashDiscount: 60 } });
    expect(full.status).toBe(200);
    doc = sim.store.accountingDocuments.get('inv1')!;
    expect(doc.processingStatus).toBe('Paid');
    expect(doc).not.toHaveProperty('paymentMethod');
    expect(doc).not.toHaveProperty('paymentMessage');
    expect((doc.paymentResponses as unknown[]).length).toBe(2);
    await sim.drain();
    expect((await requestStatusOf(sim, tok, full.headers.get('x-amzn-requestid')!)).entityType).toBe('PaymentResponse');
  });

  it('item 38: only the latest 100 transfer responses per invoice are returned', async () => {
    sim.addAccountingDocuments([invoice('inv1')]);
    for (let i = 0; i < 101; i++) {
      const res = await call(sim, 'POST', '/v1/accountingDocuments/inv1/transferResponses', { token: tok, body: transfer(`tr-${i}`, { success: false }) });
      expect(res.status).toBe(200);
    }
    const get = await call(sim, 'GET', '/v1/accountingDocuments/inv1', { token: tok });
    const body = (await (await follow(get.headers.get('location')!)).json()) as { accountingDocuments: Array<{ transferResponses: Array<{ externalCode: string }> }> };
    const responses = body.accountingDocuments[0]!.transferResponses;
    expect(responses).toHaveLength(100);
    expect(responses[0]!.externalCode).toBe('tr-1');
    expect(responses[99]!.externalCode).toBe('tr-100');
  });

  it('query names bind case-insensitively and p2pProcessingMode defaults to Standard', async () => {
    sim.addAccountingDocuments([invoice('inv1'), invoice('inv2', { p2pProcessingMode: 'InvoiceEnrichment' })]);
    const res = await call(sim, 'GET', '/v1/accountingDocuments?processingstatus=waitingfortransfer', { token: tok });
    const body = (await (await follow(res.headers.get('location')!)).json()) as { accountingDocuments: Array<{ invoiceId: string }> };
    expect(body.accountingDocuments.map((d) => d.invoiceId)).toEqual(['inv1']);
  });

  it('addAccountingDocuments rejects documents that break the schema', () => {
    expect(() => sim.addAccountingDocuments([{ invoiceId: 'x', colour: 'red' }])).toThrow(/colour/);
    expect(sim.store.accountingDocuments.size).toBe(0);
  });
});
