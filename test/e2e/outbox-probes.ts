/** The infor-basware probe for the outbox fault suite. */
import { addMissingAccount, invoiceExpectations } from '../../src/sandbox/pairs/infor-basware.js';
import { M3Client } from '../sandbox/infor/harness.js';
import { startE2E, type E2E } from './harness.js';
import type { OutboxProbe } from './outbox-probe.js';


const m3Clients = new WeakMap<E2E, M3Client>();

async function m3(t: E2E): Promise<M3Client> {
  let client = m3Clients.get(t);
  if (!client) {
    // A client of its own, so the probe never touches the token mlsync caches.
    const io = t.sandbox.infor.registerClient({ ci: 'ACME_PRD~probe', cs: 'probe-secret', saak: 'ACME_PRD#probe', sask: 'probe-sask' });
    client = new M3Client(t.sandbox.infor, io);
    await client.login();
    m3Clients.set(t, client);
  }
  return client;
}

const doc = (t: E2E, id: string) => t.sandbox.basware.store.accountingDocuments.get(id) as Record<string, unknown> | undefined;

export const inforBaswareProbe: OutboxProbe = {
  pair: 'infor-basware',
  async start() {
    const t = await startE2E({ invoices: true });
    const r = await t.cli(['run', 'infor-basware', '--flows', 'suppliers,glAccounts,costCenters']);
    if (r.code !== 0) throw new Error(`mirroring master data failed (${r.code}): ${r.stderr}`);
    return t;
  },
  ordinary: (t) => invoiceExpectations(t.sandbox).ordinary,
  alreadyPosted: (t) => invoiceExpectations(t.sandbox).alreadyPosted,
  heldForAccount: (t) => invoiceExpectations(t.sandbox).unmappedAccount,
  addMissingAccount: (t) => addMissingAccount(t.sandbox),
  async erpInvoices(t, id) {
    const key = invoiceExpectations(t.sandbox).m3Keys[id]!;
    const rows = await (await m3(t)).records('APS450MI', 'LstInvBySupInv', { DIVI: 'AAA', SPYN: key.SPYN, SUNO: key.SUNO, SINO: key.SINO });
    return { posted: rows.filter((r) => r.SUPA === '90').length, all: rows.length };
  },
  acknowledgements: (t, id) =>
    t.sandbox.basware.server.log.filter((e) => e.method === 'POST' && e.url === `/v1/accountingDocuments/${id}/acknowledge` && e.status === 200).length,
  transferResponses: (t, id) => (doc(t, id)?.transferResponses as Array<{ success: boolean }>) ?? [],
  paymentResponses: (t, id) => (doc(t, id)?.paymentResponses as Array<{ paidTotal?: number }>) ?? [],
  documentStatus: (t, id) => String(doc(t, id)?.processingStatus),
  erpWrites: (t) => {
    const calls = t.sandbox.infor.stats().callsByTransaction;
    return (calls['APS450MI/AddHead'] ?? 0) + (calls['APS450MI/AddLine'] ?? 0);
  },
  dropResponsesAfterWrite: (t, on) => t.sandbox.infor.setConfig({ failAfterCommit: on ? ['APS450MI/AddHead'] : [] }),
  refuseInErp(t, id, refuse) {
    const key = invoiceExpectations(t.sandbox).m3Keys[id]!;
    t.sandbox.infor.touch({ entity: 'supplier', key: { CONO: '100', SUNO: key.SUNO }, changes: { STAT: refuse ? '90' : '20' } });
  },
  payInErp(t, id) {
    const key = invoiceExpectations(t.sandbox).m3Keys[id]!;
    t.sandbox.infor.payInvoice({ DIVI: 'AAA', SUNO: key.SUNO, SINO: key.SINO, INYR: key.INYR, amount: key.CUAM, date: '20261120' });
  },
};
