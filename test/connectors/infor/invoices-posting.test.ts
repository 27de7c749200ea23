/**
 * Posting an approved invoice into M3 (apis/infor.md §6.3): what reaches the gateway, in which order,
 * and what happens when M3 refuses, half-finishes or does not answer. Never a second AddHead blind.
 */
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BusinessRejection, OutcomeUnknownError } from '../../../src/errors.js';
import { fakeInfor, makeInfor } from './fake-gateway.js';
import type { M3Answer, M3Call, M3Handler } from './fake-gateway.js';
import { fakeM3Invoices } from './fake-batches.js';
import { DOCUMENT_ID, anInvoice } from './invoice-fixture.js';

const TAX_MAP = { m3: { taxCodeMap: { S25: '25' } } };

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const query = (c: M3Call | undefined) => c?.uri.split('?')[1];
const names = (gw: ReturnType<typeof fakeInfor>) => gw.calls.map((c) => c.name);

/** The first call gets `fault` instead of the answer; with `commit` the transaction runs first (failAfterCommit, §7 item 25). */
function failOnce(handler: M3Handler, fault: M3Answer, opts: { commit?: boolean } = {}): M3Handler {
  let failed = false;
  return (call) => {
    if (failed) return handler(call);
    failed = true;
    if (opts.commit) handler(call);
    return fault;
  };
}

function setup(overrides: Record<string, unknown> = TAX_MAP, fake: Parameters<typeof fakeM3Invoices>[1] = {}) {
  const gw = fakeInfor();
  const m3 = fakeM3Invoices(gw, fake);
  const sleeps: number[] = [];
  const { connector } = makeInfor(overrides, {}, { sleep: async (ms) => void sleeps.push(ms) });
  const invoices = connector.invoices;
  if (!invoices) throw new Error('the Infor connector offers no invoices');
  return { gw, m3, invoices, sleeps };
}

describe('Infor invoices: a fresh post', () => {
  it('looks up, adds head and lines with M3 values, validates, waits for status 90 and returns INBN and journal', async () => {
    const { gw, m3, invoices } = setup();
    const posted = await invoices.postInvoice(anInvoice());

    expect(names(gw)).toEqual([
      'CRS620MI/GetBasicData',
      'APS450MI/LstInvBySupInv',
      'APS450MI/AddHead',
      'APS450MI/AddLine',
      'APS450MI/AddLine',
      'APS455MI/ValidByBatchNo',
      'APS450MI/GetHead',
      'APS200MI/GetInvTotInfo',
    ]);
    expect(query(gw.callsTo('APS450MI/LstInvBySupInv')[0])).toBe(
      'DIVI=AAA&SPYN=10001&SUNO=10001&SINO=INV-4711&cono=100&righttrim=true&maxrecs=50',
    );
    expect(query(gw.callsTo('APS450MI/AddHead')[0])).toBe(
      'DIVI=AAA&SUNO=10001&SPYN=10001&IVDT=20240701&IBTP=20&SINO=INV-4711&CUCD=EUR&CUAM=1250.00&VTAM=250.00' +
        `&ACDT=20240702&DUDT=20240731&CORI=${DOCUMENT_ID}&cono=100&righttrim=true`,
    );
    expect(gw.callsTo('APS450MI/AddLine').map(query)).toEqual([
      'DIVI=AAA&INBN=1000123&RDTP=8&NLAM=600.00&VTCD=25&VTA1=150.00&AIT1=6110&AIT2=CC310&CHGT=Consulting%20June&cono=100&righttrim=true',
      // Tax code X99 is not in erp.m3.taxCodeMap: no VTCD, M3 takes its default. No cost center: no AIT2.
      'DIVI=AAA&INBN=1000123&RDTP=8&NLAM=400.00&VTA1=100.00&AIT1=6120&cono=100&righttrim=true',
    ]);
    expect(query(gw.callsTo('APS455MI/ValidByBatchNo')[0])).toBe('DIVI=AAA&INBN=1000123&cono=100&righttrim=true');
    expect(query(gw.callsTo('APS200MI/GetInvTotInfo')[0])).toBe(
      'DIVI=AAA&SPYN=10001&SINO=INV-4711&INYR=2024&SUNO=10001&cono=100&righttrim=true&maxrecs=1',
    );
    expect(posted).toMatchObject({ targetKey: '1000123', voucher: '345', recovered: false });
    expect(posted.summary).toContain('batch 1000123');
    expect(m3.batches.get('1000123')?.head.SUPA).toBe('90');
  });

  it('formats amounts with "." and two decimals (credit notes negative), cuts long texts, sends PUNO, TEPY and mapped dimensions', async () => {
    const { gw, invoices } = setup({ m3: { dimensionAits: { project: 4 }, paymentTermMap: { NET30: '30D' } } });
    const longText = 'Freight and handling for the June deliveries to the Gothenburg warehouse, pallets 1-40';
    await invoices.postInvoice(
      anInvoice({
        invoiceNumber: 'CN-77',
        documentId: 'DOC-'.padEnd(50, 'x'),
        accountingDate: undefined,
        dueDate: undefined,
        paymentTerms: 'NET30',
        orderNumbers: ['4000123', '4000123'],
        netTotal: -333.1,
        taxTotal: -83.28,
        grossTotal: -416.38,
        lines: [
          {
            rowIndex: 1,
            accountCode: '6110',
            costCenterCode: 'CC310',
            dimensions: { project: 'P77', department: 'D1' },
            netAmount: -333.1,
            taxAmount: -83.275,
            description: longText,
          },
        ],
      }),
    );

    const head = gw.callsTo('APS450MI/AddHead')[0]?.params;
    expect(head?.get('CUAM')).toBe('-416.38');
    expect(head?.get('VTAM')).toBe('-83.28');
    expect(head?.get('IVDT')).toBe('20240701');
    // Without an accounting date the invoice date is the posting date; without a due date M3 derives one.
    expect(head?.get('ACDT')).toBe('20240701');
    expect(head?.has('DUDT')).toBe(false);
    expect(head?.get('TEPY')).toBe('30D');
    expect(head?.get('PUNO')).toBe('4000123');
    expect(head?.get('CORI')).toBe('DOC-'.padEnd(36, 'x'));

    const line = gw.callsTo('APS450MI/AddLine')[0]?.params;
    expect(line?.get('NLAM')).toBe('-333.10');
    expect(line?.get('VTA1')).toBe('-83.28');
    expect(line?.get('AIT1')).toBe('6110');
    expect(line?.get('AIT2')).toBe('CC310');
    expect(line?.get('AIT4')).toBe('P77');
    expect([...(line?.keys() ?? [])].filter((k) => /^AIT/.test(k))).toEqual(['AIT1', 'AIT2', 'AIT4']);
    expect(line?.get('CHGT')).toBe(longText.slice(0, 40).trimEnd());
  });

  it('sends no PUNO for an invoice of several orders, and the full text up to erp.m3.lineTextMaxLength', async () => {
    const { gw, invoices } = setup({ m3: { lineTextMaxLength: 60 } });
    const text = 'x'.repeat(70);
    const inv = anInvoice({ orderNumbers: ['4000123', '4000131'] });
    await invoices.postInvoice({ ...inv, lines: [{ ...inv.lines[0]!, description: text }, inv.lines[1]!] });
    expect(gw.callsTo('APS450MI/AddHead')[0]?.params.has('PUNO')).toBe(false);
    expect(gw.callsTo('APS450MI/AddLine')[0]?.params.get('CHGT')).toBe('x'.repeat(60));
  });

  it('uses the supplier payee (PRSU) as SPYN everywhere, reading each supplier once per connector', async () => {
    const { gw, invoices } = setup(TAX_MAP, { suppliers: { '10002': '20002' } });
    await invoices.postInvoice(anInvoice({ supplierCode: '10002' }));
    await invoices.postInvoice(anInvoice({ supplierCode: '10002', invoiceNumber: 'INV-4712' }));

    expect(gw.callsTo('CRS620MI/GetBasicData')).toHaveLength(1);
    expect(query(gw.callsTo('CRS620MI/GetBasicData')[0])).toBe('SUNO=10002&cono=100&righttrim=true&maxrecs=1');
    for (const name of ['APS450MI/LstInvBySupInv', 'APS450MI/AddHead', 'APS200MI/GetInvTotInfo']) {
      const [first] = gw.callsTo(name);
      expect(first?.params.get('SPYN'), name).toBe('20002');
      expect(first?.params.get('SUNO'), name).toBe('10002');
    }
  });

  it('refuses an invoice of a supplier M3 does not know before writing anything', async () => {
    const { gw, invoices } = setup();
    const err = await invoices.postInvoice(anInvoice({ supplierCode: '99999' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BusinessRejection);
    expect((err as Error).message).toContain('Supplier 99999 does not exist');
    expect(names(gw)).toEqual(['CRS620MI/GetBasicData']);
  });
});

describe('Infor invoices: the lookup first', () => {
  it('records an invoice found posted (any status-90 row among earlier duplicates) and writes nothing', async () => {
    const { gw, m3, invoices } = setup();
    m3.seedBatch({ INBN: '1000100', SUNO: '10001', SPYN: '10001', SINO: 'INV-4711', SUPA: '10' });
    m3.seedBatch({ INBN: '1000101', SUNO: '10001', SPYN: '10001', SINO: 'INV-4711', SUPA: '90' });
    m3.ledger.push({ SPYN: '10001', SUNO: '10001', SINO: 'INV-4711', INYR: '2024', YEA4: '2024', JRNO: '77', PCUA: '0.00', OCUA: '1250.00' });

    const posted = await invoices.postInvoice(anInvoice());

    expect(posted).toMatchObject({ targetKey: '1000101', voucher: '77', recovered: true });
    expect(gw.callsTo('APS450MI/AddHead')).toHaveLength(0);
    expect(names(gw)).toEqual(['CRS620MI/GetBasicData', 'APS450MI/LstInvBySupInv', 'APS200MI/GetInvTotInfo']);
  });

  it('validates a batch an earlier attempt left complete, instead of adding it again', async () => {
    const { gw, m3, invoices } = setup();
    const head = { SUNO: '10001', SPYN: '10001', SINO: 'INV-4711', IVDT: '20240701', CUCD: 'EUR', CUAM: '1250.00', VTAM: '250.00' };
    const inbn = m3.seedBatch({ ...head, INBN: '1000120' }, [
      { TRNO: '1', RDTP: '8', NLAM: '600.00', VTA1: '150.00', VTCD: '25', AIT1: '6110', AIT2: 'CC310', CHGT: 'Consulting June' },
      // M3 filled in a default VAT code the client did not send: still the same invoice.
      { TRNO: '2', RDTP: '8', NLAM: '400.0', VTA1: '100', VTCD: '10', AIT1: '6120' },
    ]);

    const posted = await invoices.postInvoice(anInvoice());

    expect(posted).toMatchObject({ targetKey: inbn, recovered: false });
    expect(posted.summary).toContain('earlier attempt');
    expect(gw.callsTo('APS450MI/AddHead')).toHaveLength(0);
    expect(gw.callsTo('APS450MI/AddLine')).toHaveLength(0);
    expect(gw.callsTo('APS450MI/DltInvoice')).toHaveLength(0);
    expect(gw.callsTo('APS455MI/ValidByBatchNo').map((c) => c.params.get('INBN'))).toEqual([inbn]);
    expect(m3.batches.get(inbn)?.head.SUPA).toBe('90');
  });

  it('deletes a half-built batch that differs from the invoice, then posts it afresh', async () => {
    const { gw, m3, invoices } = setup();
    const head = { SUNO: '10001', SPYN: '10001', SINO: 'INV-4711', IVDT: '20240701', CUCD: 'EUR', CUAM: '1250.00', VTAM: '250.00' };
    m3.seedBatch({ ...head, INBN: '1000120' }, [{ TRNO: '1', RDTP: '8', NLAM: '600.00', VTA1: '150.00', AIT1: '6110' }]);

    const posted = await invoices.postInvoice(anInvoice());

    expect(names(gw).slice(0, 6)).toEqual([
      'CRS620MI/GetBasicData',
      'APS450MI/LstInvBySupInv',
      'APS450MI/GetHead',
      'APS450MI/LstLines',
      'APS450MI/DltInvoice',
      'APS450MI/AddHead',
    ]);
    expect(query(gw.callsTo('APS450MI/DltInvoice')[0])).toBe('DIVI=AAA&INBN=1000120&cono=100&righttrim=true');
    expect(posted).toMatchObject({ targetKey: '1000123', recovered: false });
    expect(posted.summary).toContain('deleted batch 1000120');
    expect([...m3.batches.keys()]).toEqual(['1000123']);
  });

  it('deletes a batch whose head totals differ even when its lines match', async () => {
    const { gw, m3, invoices } = setup();
    m3.seedBatch(
      { INBN: '1000120', SUNO: '10001', SPYN: '10001', SINO: 'INV-4711', CUAM: '1300.00', VTAM: '250.00' },
      [
        { TRNO: '1', RDTP: '8', NLAM: '600.00', VTA1: '150.00', AIT1: '6110', AIT2: 'CC310' },
        { TRNO: '2', RDTP: '8', NLAM: '400.00', VTA1: '100.00', AIT1: '6120' },
      ],
    );
    const posted = await invoices.postInvoice(anInvoice());
    expect(gw.callsTo('APS450MI/DltInvoice').map((c) => c.params.get('INBN'))).toEqual(['1000120']);
    expect(posted.summary).toContain('CUAM is 1300.00 in M3');
  });
});

describe('Infor invoices: M3 refuses', () => {
  it('turns an AddHead business error into a BusinessRejection carrying M3’s message; nothing else is written', async () => {
    const { gw, invoices } = setup();
    gw.on('APS450MI/AddHead', () => ({ error: 'Invoice date 2024-07-01 is invalid' }));
    const err = await invoices.postInvoice(anInvoice()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BusinessRejection);
    expect((err as BusinessRejection).code).toBe('BUSINESS_REJECTED');
    expect((err as Error).message).toContain('Invoice date 2024-07-01 is invalid');
    expect((err as Error).message).toContain('INV-4711');
    expect(gw.callsTo('APS450MI/AddLine')).toHaveLength(0);
    expect(gw.callsTo('APS455MI/ValidByBatchNo')).toHaveLength(0);
  });

  it('deletes the half-built batch when an AddLine is refused, then rejects with M3’s message', async () => {
    const { gw, m3, invoices } = setup();
    gw.on('APS450MI/AddLine', (c) =>
      c.params.get('AIT1') === '6120' ? { error: 'Accounting identity 6120 does not exist' } : { records: [{ TRNO: '1' }] },
    );
    const err = await invoices.postInvoice(anInvoice()).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(BusinessRejection);
    expect((err as Error).message).toContain('Accounting identity 6120 does not exist');
    expect((err as Error).message).toContain('coding row 3');
    expect((err as Error).message).toContain('batch 1000123 was deleted');
    expect(gw.callsTo('APS450MI/AddLine')).toHaveLength(2);
    expect(names(gw).slice(-2)).toEqual(['APS450MI/AddLine', 'APS450MI/DltInvoice']);
    expect(gw.callsTo('APS450MI/DltInvoice')[0]?.params.get('INBN')).toBe('1000123');
    expect(m3.batches.size).toBe(0);
    expect(gw.callsTo('APS455MI/ValidByBatchNo')).toHaveLength(0);
  });

  it('rejects an unbalanced batch (ValidByBatchNo error, SUPA 15) with M3’s reason and leaves the batch for the next attempt', async () => {
    const { gw, m3, invoices } = setup();
    const err = await invoices.postInvoice(anInvoice({ grossTotal: 1300 })).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(BusinessRejection);
    const message = (err as Error).message;
    expect(message).toContain('Invoice batch 1000123 is not balanced');
    expect(message).toContain('status 15');
    expect(message).toContain('gross 1300.00');
    expect(gw.callsTo('APS455MI/ValidByBatchNo')).toHaveLength(1);
    expect(gw.callsTo('APS450MI/DltInvoice')).toHaveLength(0);
    expect(m3.batches.get('1000123')?.head.SUPA).toBe('15');
  });

  it('rejects a batch M3 marks 78 (matching recoding failed) while polling', async () => {
    const { gw, invoices } = setup();
    gw.on('APS450MI/GetHead', () => ({ records: [{ INBN: '1000123', SUPA: '78', IBHE: '0', IBLE: '1' }] }));
    const err = await invoices.postInvoice(anInvoice()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BusinessRejection);
    expect((err as Error).message).toContain('status 78, matching recoding failed');
    expect((err as Error).message).toContain('line error flag');
  });
});

describe('Infor invoices: no answer from M3', () => {
  it('AddHead answered 502: OutcomeUnknownError, exactly one AddHead; the next attempt finds the batch and replaces it', async () => {
    const { gw, m3, invoices } = setup();
    gw.on('APS450MI/AddHead', failOnce(gw.handlerOf('APS450MI/AddHead'), { status: 502, body: 'Bad Gateway' }, { commit: true }));

    const err = await invoices.postInvoice(anInvoice()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect((err as OutcomeUnknownError).code).toBe('OUTCOME_UNKNOWN');
    expect(gw.callsTo('APS450MI/AddHead')).toHaveLength(1);
    expect(gw.callsTo('APS450MI/AddLine')).toHaveLength(0);
    // M3 committed the head before the gateway failed (§7 item 25).
    expect(m3.batches.get('1000123')?.lines).toEqual([]);

    // The next attempt finds the empty batch by lookup, deletes it and posts once.
    const before = gw.calls.length;
    const posted = await invoices.postInvoice(anInvoice());
    const second = gw.calls.slice(before);
    expect(second.filter((c) => c.name === 'APS450MI/DltInvoice').map((c) => c.params.get('INBN'))).toEqual(['1000123']);
    expect(second.filter((c) => c.name === 'APS450MI/AddHead')).toHaveLength(1);
    expect(posted).toMatchObject({ targetKey: '1000124', recovered: false });
    expect([...m3.batches.keys()]).toEqual(['1000124']);
  });

  it('AddHead without an answer in time: OutcomeUnknownError and exactly one AddHead sent', async () => {
    const { gw, invoices } = setup({ ...TAX_MAP, http: { timeoutSeconds: 0.2 } });
    gw.on('APS450MI/AddHead', () => ({ delayMs: 500, answer: { records: [{ INBN: '1000123' }] } }));
    const err = await invoices.postInvoice(anInvoice()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect((err as Error).message).toContain('AddHead');
    expect(gw.callsTo('APS450MI/AddHead')).toHaveLength(1);
    expect(gw.callsTo('APS450MI/AddLine')).toHaveLength(0);
  });

  it('AddLine answered 503: OutcomeUnknownError as is, one AddLine, no clean-up delete (the next lookup decides)', async () => {
    const { gw, m3, invoices } = setup();
    gw.on('APS450MI/AddLine', () => ({ status: 503, body: 'Service Unavailable' }));
    const err = await invoices.postInvoice(anInvoice()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect(gw.callsTo('APS450MI/AddLine')).toHaveLength(1);
    expect(gw.callsTo('APS450MI/DltInvoice')).toHaveLength(0);
    expect(m3.batches.has('1000123')).toBe(true);
  });

  it('ValidByBatchNo answered 502: OutcomeUnknownError, validation not repeated', async () => {
    const { gw, invoices } = setup();
    gw.on('APS455MI/ValidByBatchNo', () => ({ status: 502 }));
    const err = await invoices.postInvoice(anInvoice()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect(gw.callsTo('APS455MI/ValidByBatchNo')).toHaveLength(1);
    expect(gw.callsTo('APS450MI/GetHead')).toHaveLength(0);
  });

  it('retries reads: a 503 on the lookup and on GetHead is sent again', async () => {
    const { gw, invoices } = setup();
    for (const name of ['APS450MI/LstInvBySupInv', 'APS450MI/GetHead']) gw.on(name, failOnce(gw.handlerOf(name), { status: 503 }));
    const posted = await invoices.postInvoice(anInvoice());
    expect(posted.targetKey).toBe('1000123');
    expect(gw.callsTo('APS450MI/LstInvBySupInv')).toHaveLength(2);
    expect(gw.callsTo('APS450MI/GetHead')).toHaveLength(2);
    expect(gw.callsTo('APS450MI/AddHead')).toHaveLength(1);
  });
});

describe('Infor invoices: waiting for M3 to post a validated batch', () => {
  it('polls GetHead every erp.m3.validatePollSeconds while SUPA is 10 and never validates twice', async () => {
    const { gw, invoices, sleeps } = setup(TAX_MAP, { pollsBeforePosted: 3 });
    const posted = await invoices.postInvoice(anInvoice());
    expect(posted.targetKey).toBe('1000123');
    expect(gw.callsTo('APS455MI/ValidByBatchNo')).toHaveLength(1);
    expect(gw.callsTo('APS450MI/GetHead')).toHaveLength(4);
    expect(sleeps).toEqual([2000, 2000, 2000]);
  });

  it('gives up after erp.m3.validateTimeoutSeconds with OutcomeUnknownError, leaving the batch in place', async () => {
    const { gw, m3, invoices, sleeps } = setup({ m3: { validatePollSeconds: 1, validateTimeoutSeconds: 5 } }, { pollsBeforePosted: 100 });
    const err = await invoices.postInvoice(anInvoice()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect((err as Error).message).toContain('within 5 s (erp.m3.validateTimeoutSeconds)');
    expect(sleeps).toEqual([1000, 1000, 1000, 1000, 1000]);
    expect(gw.callsTo('APS450MI/GetHead')).toHaveLength(6);
    expect(gw.callsTo('APS455MI/ValidByBatchNo')).toHaveLength(1);
    expect(gw.callsTo('APS450MI/DltInvoice')).toHaveLength(0);
    expect(m3.batches.get('1000123')?.head.SUPA).toBe('10');
  });

  it('after such a timeout, the next attempt finds the batch posted and records it without writing', async () => {
    const { gw, m3, invoices } = setup({ ...TAX_MAP, m3: { ...TAX_MAP.m3, validateTimeoutSeconds: 2 } }, { pollsBeforePosted: 2 });
    await expect(invoices.postInvoice(anInvoice())).rejects.toBeInstanceOf(OutcomeUnknownError);
    // M3 finishes in the background.
    const batch = m3.batches.get('1000123');
    if (!batch) throw new Error('batch missing');
    batch.head.SUPA = '90';
    m3.ledger.push({ SPYN: '10001', SUNO: '10001', SINO: 'INV-4711', INYR: '2024', JRNO: '345', YEA4: '2024' });
    const before = gw.callsTo('APS450MI/AddHead').length;
    const posted = await invoices.postInvoice(anInvoice());
    expect(posted).toMatchObject({ targetKey: '1000123', voucher: '345', recovered: true });
    expect(gw.callsTo('APS450MI/AddHead')).toHaveLength(before);
  });

  it('an earlier attempt’s validation still running: M3 refuses to validate again, the client polls until posted', async () => {
    // Two polls in the first attempt, one GetHead in the second attempt's lookup, posted at the fourth.
    const { gw, m3, invoices } = setup({ m3: { validateTimeoutSeconds: 2 } }, { pollsBeforePosted: 3 });
    await expect(invoices.postInvoice(anInvoice())).rejects.toBeInstanceOf(OutcomeUnknownError);

    const posted = await invoices.postInvoice(anInvoice());
    expect(posted).toMatchObject({ targetKey: '1000123', voucher: '345', recovered: false });
    expect(m3.ledger).toHaveLength(1);
    expect(gw.callsTo('APS450MI/AddHead')).toHaveLength(1);
    expect(gw.callsTo('APS455MI/ValidByBatchNo')).toHaveLength(2);
    expect(gw.callsTo('APS450MI/DltInvoice')).toHaveLength(0);
  });

  it('a refused validation that leaves the batch at status 10 past the timeout stays unknown, with M3’s words', async () => {
    const { gw, invoices } = setup({ m3: { validateTimeoutSeconds: 2 } }, { pollsBeforePosted: 100 });
    await expect(invoices.postInvoice(anInvoice())).rejects.toBeInstanceOf(OutcomeUnknownError);
    const err = await invoices.postInvoice(anInvoice()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect((err as Error).message).toContain('Invoice batch 1000123 is being validated');
    expect((err as Error).message).toContain('finish or delete batch 1000123 in M3');
    expect(gw.callsTo('APS450MI/AddHead')).toHaveLength(1);
  });
});
