/**
 * The read side of invoice posting in M3: findInvoice (the lookup of §5.7), paymentStatus (§5.12, §6.4)
 * and describePosting (what --dry-run shows).
 */
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ResponseShapeError } from '../../../src/errors.js';
import { fakeInfor, inforConfig, makeInfor } from './fake-gateway.js';
import { fakeM3Invoices } from './fake-batches.js';
import { DOCUMENT_ID, anInvoice } from './invoice-fixture.js';

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

function setup(fake: Parameters<typeof fakeM3Invoices>[1] = {}, overrides: Record<string, unknown> = {}) {
  const gw = fakeInfor();
  const m3 = fakeM3Invoices(gw, fake);
  const { connector } = makeInfor(overrides);
  const invoices = connector.invoices;
  if (!invoices) throw new Error('the Infor connector offers no invoices');
  return { gw, m3, invoices };
}

const ledgerRow = (changes: Record<string, string>) => ({
  YEA4: '2024',
  JRNO: '345',
  JSNO: '1',
  TRCD: '40',
  SPYN: '10001',
  SUNO: '10001',
  SINO: 'INV-4711',
  INYR: '2024',
  CUCD: 'EUR',
  CUAM: '1250.00',
  VTAM: '250.00',
  IVDT: '20240701',
  PYME: 'BTR',
  RECO: '0',
  REDE: '',
  PCUA: '0.00',
  OCUA: '1250.00',
  ...changes,
});

describe('Infor invoices: findInvoice', () => {
  it('absent when LstInvBySupInv lists nothing', async () => {
    const { gw, invoices } = setup();
    expect(await invoices.findInvoice(anInvoice())).toEqual({ state: 'absent' });
    expect(gw.callsTo('APS450MI/LstInvBySupInv')[0]?.params.get('SINO')).toBe('INV-4711');
  });

  it('posted when any row has status 90, with the journal number as voucher', async () => {
    const { m3, invoices } = setup();
    m3.seedBatch({ INBN: '1000100', SUNO: '10001', SPYN: '10001', SINO: 'INV-4711', SUPA: '15' });
    m3.seedBatch({ INBN: '1000101', SUNO: '10001', SPYN: '10001', SINO: 'INV-4711', SUPA: '90' });
    m3.ledger.push(ledgerRow({ JRNO: '77' }));
    expect(await invoices.findInvoice(anInvoice())).toEqual({ state: 'posted', targetKey: '1000101', voucher: '77' });
  });

  it('posted with the batch number as voucher while the ledger does not show it yet', async () => {
    const { m3, invoices } = setup();
    m3.seedBatch({ INBN: '1000101', SUNO: '10001', SPYN: '10001', SINO: 'INV-4711', SUPA: '90' });
    expect(await invoices.findInvoice(anInvoice())).toEqual({ state: 'posted', targetKey: '1000101', voucher: '1000101' });
  });

  it('incomplete when only unposted rows exist, naming every batch and its status', async () => {
    const { gw, m3, invoices } = setup();
    m3.seedBatch({ INBN: '1000100', SUNO: '10001', SPYN: '10001', SINO: 'INV-4711', SUPA: '10' });
    m3.seedBatch({ INBN: '1000101', SUNO: '10001', SPYN: '10001', SINO: 'INV-4711', SUPA: '15' });
    const found = await invoices.findInvoice(anInvoice());
    expect(found).toMatchObject({ state: 'incomplete', targetKey: '1000100' });
    expect(found.state === 'incomplete' && found.detail).toContain('1000100 (status 10, entered, not validated), 1000101 (status 15');
    // A lookup writes nothing.
    expect(gw.calls.map((c) => c.name)).toEqual(['CRS620MI/GetBasicData', 'APS450MI/LstInvBySupInv']);
  });

  it('looks up under the payee when the supplier has another one, and under the supplier when PRSU is blank', async () => {
    const { gw, invoices } = setup({ suppliers: { '10002': '20002', '10003': '' } });
    await invoices.findInvoice(anInvoice({ supplierCode: '10002' }));
    await invoices.findInvoice(anInvoice({ supplierCode: '10003' }));
    expect(gw.callsTo('APS450MI/LstInvBySupInv').map((c) => [c.params.get('SUNO'), c.params.get('SPYN')])).toEqual([
      ['10002', '20002'],
      ['10003', '10003'],
    ]);
  });

  it('reports a lookup row without a status as an unexpected response, not a crash', async () => {
    const { gw, invoices } = setup();
    gw.on('APS450MI/LstInvBySupInv', () => ({ records: [{ INBN: '1000100' }] }));
    await expect(invoices.findInvoice(anInvoice())).rejects.toBeInstanceOf(ResponseShapeError);
  });
});

describe('Infor invoices: paymentStatus', () => {
  it('asks GetInvTotInfo by division, payee, invoice number, invoice year and supplier', async () => {
    const { gw, m3, invoices } = setup({ suppliers: { '10002': '20002' } });
    m3.ledger.push(ledgerRow({ SUNO: '10002', SPYN: '20002', INYR: '2023' }));
    await invoices.paymentStatus(anInvoice({ supplierCode: '10002', invoiceDate: '2023-12-30' }), { targetKey: '1000123' });
    expect(gw.callsTo('APS200MI/GetInvTotInfo')[0]?.uri.split('?')[1]).toBe(
      'DIVI=AAA&SPYN=20002&SINO=INV-4711&INYR=2023&SUNO=10002&cono=100&righttrim=true&maxrecs=1',
    );
  });

  it('paid: nothing open, the date it was settled, method and journal', async () => {
    const { m3, invoices } = setup();
    m3.ledger.push(ledgerRow({ PCUA: '1250.00', OCUA: '0.00', RECO: '9', REDE: '20240729' }));
    expect(await invoices.paymentStatus(anInvoice(), { targetKey: '1000123' })).toEqual({
      paidTotal: 1250,
      openAmount: 0,
      paid: true,
      paymentDate: '2024-07-29',
      paymentMethod: 'BTR',
      paymentNumber: '2024-345',
    });
  });

  it('partly paid: both amounts as absolute values, no payment date yet', async () => {
    const { m3, invoices } = setup();
    m3.ledger.push(ledgerRow({ PCUA: '-500.00', OCUA: '-750.00' }));
    const status = await invoices.paymentStatus(anInvoice(), { targetKey: '1000123' });
    expect(status).toEqual({ paidTotal: 500, openAmount: 750, paid: false, paymentMethod: 'BTR', paymentNumber: '2024-345' });
  });

  it('not paid at all: open equals the total', async () => {
    const { m3, invoices } = setup();
    m3.ledger.push(ledgerRow({ PYME: '' }));
    expect(await invoices.paymentStatus(anInvoice(), { targetKey: '1000123' })).toEqual({
      paidTotal: 0,
      openAmount: 1250,
      paid: false,
      paymentNumber: '2024-345',
    });
  });

  it('undefined while the ledger does not have the invoice ("Record does not exist")', async () => {
    const { invoices } = setup();
    expect(await invoices.paymentStatus(anInvoice(), { targetKey: '1000123' })).toBeUndefined();
  });

  it('another M3 refusal is not mistaken for "not in the ledger"', async () => {
    const { gw, invoices } = setup();
    gw.on('APS200MI/GetInvTotInfo', () => ({ error: 'Not authorized for company 100' }));
    await expect(invoices.paymentStatus(anInvoice(), { targetKey: '1000123' })).rejects.toThrow(/Not authorized for company 100/);
  });

  it('an amount M3 conventions do not allow is an unexpected response naming the invoice', async () => {
    const { m3, invoices } = setup();
    m3.ledger.push(ledgerRow({ PCUA: '1250,00' }));
    const err = await invoices.paymentStatus(anInvoice(), { targetKey: '1000123' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseShapeError);
    expect((err as Error).message).toContain('INV-4711');
    expect((err as Error).message).toContain('PCUA');
  });
});

describe('Infor invoices: describePosting', () => {
  it('lists the requests a fresh post sends, one line each, built like the real ones, and writes nothing', async () => {
    const { gw, invoices } = setup({}, { m3: { taxCodeMap: { S25: '25' } } });
    const lines = await invoices.describePosting(anInvoice());
    expect(lines).toEqual([
      'GET …/APS450MI/LstInvBySupInv?DIVI=AAA&SPYN=10001&SUNO=10001&SINO=INV-4711&cono=100&righttrim=true&maxrecs=50',
      'GET …/APS450MI/AddHead?DIVI=AAA&SUNO=10001&SPYN=10001&IVDT=20240701&IBTP=20&SINO=INV-4711&CUCD=EUR&CUAM=1250.00' +
        `&VTAM=250.00&ACDT=20240702&DUDT=20240731&CORI=${DOCUMENT_ID}&cono=100&righttrim=true`,
      'GET …/APS450MI/AddLine?DIVI=AAA&INBN={INBN}&RDTP=8&NLAM=600.00&VTCD=25&VTA1=150.00&AIT1=6110&AIT2=CC310' +
        '&CHGT=Consulting%20June&cono=100&righttrim=true',
      'GET …/APS450MI/AddLine?DIVI=AAA&INBN={INBN}&RDTP=8&NLAM=400.00&VTA1=100.00&AIT1=6120&cono=100&righttrim=true',
      'GET …/APS455MI/ValidByBatchNo?DIVI=AAA&INBN={INBN}&cono=100&righttrim=true',
      'GET …/APS450MI/GetHead?DIVI=AAA&INBN={INBN}&cono=100&righttrim=true&maxrecs=1',
    ]);
    expect(lines.join('\n')).not.toMatch(/Bearer|access-|mingle/);
    // Only the supplier read (for the payee) reached M3.
    expect(gw.calls.map((c) => c.name)).toEqual(['CRS620MI/GetBasicData']);
  });
});

describe('Infor invoices: erp.m3 settings', () => {
  it('has the documented defaults', () => {
    expect(inforConfig().m3).toMatchObject({
      validatePollSeconds: 2,
      validateTimeoutSeconds: 60,
      taxCodeMap: {},
      paymentTermMap: {},
      dimensionAits: {},
      lineTextMaxLength: 40,
    });
  });

  it('refuses two dimensions on the same AIT field, naming the key', () => {
    expect(() => inforConfig({ m3: { dimensionAits: { project: 2 } } })).toThrow(/AIT2 is already used by costCenterAitp/);
    expect(() => inforConfig({ m3: { costCenterAitp: 1 } })).toThrow(/AIT1 is already used by accountAitp/);
  });
});
