/**
 * The invoices flow against fake ERP and AP sides and a real ledger: how the outbox treats records it
 * already knows when the AP platform lists their document again.
 */
import { describe, expect, it } from 'vitest';
import type { ApDocuments, ErpInvoices, SourceItem } from '../../src/connectors/types.js';
import { runPair } from '../../src/engine/run.js';
import { selectFlows } from '../../src/engine/flows.js';
import { RECORD_STATE } from '../../src/model/entities.js';
import type { ApInvoice } from '../../src/model/invoice.js';
import { FakeAp, FakeErp } from './fakes.js';
import { memoryLedger, PAIR, runOptions } from './run-harness.js';

const invoice: ApInvoice = {
  documentId: 'DOC-1',
  companyCode: 'BW00',
  supplierCode: 'S001',
  invoiceNumber: 'INV-1',
  invoiceDate: '2026-11-01',
  currency: 'EUR',
  netTotal: 100,
  taxTotal: 25,
  grossTotal: 125,
  paymentBlock: false,
  orderNumbers: [],
  lines: [{ rowIndex: 1, accountCode: '6110', dimensions: {}, netAmount: 100, taxAmount: 25 }],
};

function sides(listed: SourceItem<ApInvoice>[]) {
  const calls: string[] = [];
  const erpInvoices: ErpInvoices = {
    findInvoice: async () => ({ state: 'posted', targetKey: 'B1' }),
    postInvoice: async () => {
      calls.push('post');
      return { targetKey: 'B1', recovered: true, summary: 'found posted' };
    },
    describePosting: async () => [],
    paymentStatus: async () => undefined,
  };
  const documents: ApDocuments = {
    readApproved: async function* () {
      yield* listed;
    },
    getDocument: async () => undefined,
    acknowledge: async () => {
      calls.push('ack');
      return 'acknowledged';
    },
    sendTransferResponse: async () => {
      calls.push('transfer');
      return 'sent';
    },
    sendPaymentResponse: async () => 'sent',
  };
  const erp = Object.assign(new FakeErp(), { invoices: erpInvoices });
  const ap = Object.assign(new FakeAp(), { documents });
  return { erp, ap, calls };
}

describe('invoices flow', () => {
  it('a document that no longer reads while its record is posting resumes from the stored invoice instead of being held', async () => {
    const ledger = memoryLedger();
    ledger.commit(PAIR, null, [
      { flow: 'suppliers', sourceKey: 'S001', state: RECORD_STATE.SYNCED, audit: { action: 'seed', outcome: 'ok' } },
      { flow: 'glAccounts', sourceKey: '6110', state: RECORD_STATE.SYNCED, audit: { action: 'seed', outcome: 'ok' } },
      { flow: 'invoices', sourceKey: 'DOC-1', state: RECORD_STATE.POSTING, payload: { invoice }, audit: { action: 'seed', outcome: 'ok' } },
    ]);
    const { erp, ap, calls } = sides([{ key: 'DOC-1', invalid: 'coding row 1: accountCode is missing' }]);

    await runPair(runOptions(ledger, erp, ap, { flows: selectFlows(erp, ap, ['invoices']) }));

    expect(calls).toEqual(['post', 'ack', 'transfer']);
    expect(ledger.getRecord(PAIR, 'invoices', 'DOC-1')).toMatchObject({ state: RECORD_STATE.CONFIRMED, targetKey: 'B1' });
  });
});
