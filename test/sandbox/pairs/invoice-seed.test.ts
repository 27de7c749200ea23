/**
 * The approved invoices of the infor-basware sandbox: valid for Basware's own schema, balanced the way M3
 * validates them, coded against the M3 seed (or deliberately not), and the already-posted ones really in M3.
 */
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { startBaswareSimulator } from '../../../src/sandbox/basware/index.js';
import { defaultInforSeed, type InforSeed, type M3Record } from '../../../src/sandbox/infor/index.js';
import {
  addMissingAccount,
  addMissingCostCenter,
  invoiceExpectations,
  startInforBaswareSandbox,
  type PairSandbox,
} from '../../../src/sandbox/pairs/infor-basware.js';
import { type AccountingDocumentSeed, defaultInvoiceSeed, INVOICE_SEED_COUNTS } from '../../../src/sandbox/pairs/invoice-seed.js';
import { M3Client, type Envelope } from '../infor/harness.js';

const NOW = new Date('2026-03-15T10:00:00Z');
const TODAY = '20260315';
const inforSeed = defaultInforSeed(NOW);
const seed = defaultInvoiceSeed(inforSeed, { now: NOW });
const { expectations: x } = seed;
const byId = new Map(seed.documents.map((d) => [d.invoiceId, d]));
const docs = (ids: string[]): AccountingDocumentSeed[] => ids.map((id) => byId.get(id)!);
const TOTAL = Object.values(INVOICE_SEED_COUNTS).reduce((a, b) => a + b, 0);

/** Exact hundredths of an amount; fails when it has more than two decimals. */
function cents(value: number): number {
  const c = Math.round(value * 100);
  expect(Math.abs(value * 100 - c)).toBeLessThan(1e-6);
  return c;
}

const isActive = (a: M3Record) => a.LCCD === '0' && a.VFDT! <= TODAY && (a.VTDT === '' || a.VTDT! >= TODAY);
const activeCodes = (aitp: string) => new Set(inforSeed.accountIds!.filter((a) => a.AITP === aitp && isActive(a)).map((a) => a.AITM!));
const allIdentityCodes = new Set(inforSeed.accountIds!.map((a) => a.AITM!));

describe('defaultInvoiceSeed', () => {
  test('31 documents split 25 / 3 / 1 / 2, with unique 32-hex invoiceIds and coding-row externalCodes', () => {
    expect(seed.documents).toHaveLength(TOTAL);
    expect(TOTAL).toBe(31);
    expect([x.ordinary.length, x.unmappedAccount.length, x.unmappedCostCenter.length, x.alreadyPosted.length]).toEqual([25, 3, 1, 2]);
    const ids = seed.documents.map((d) => d.invoiceId);
    expect(new Set(ids).size).toBe(TOTAL);
    expect(ids.every((id) => /^[0-9a-f]{32}$/.test(id))).toBe(true);
    expect([...x.ordinary, ...x.unmappedAccount, ...x.unmappedCostCenter, ...x.alreadyPosted].sort()).toEqual([...ids].sort());
    const rowCodes = seed.documents.flatMap((d) => d.codingRows.map((r) => r.externalCode));
    expect(new Set(rowCodes).size).toBe(rowCodes.length);
    expect(Object.keys(x.m3Keys).sort()).toEqual([...ids].sort());
  });

  test('amounts are whole cents and balance: rows, document totals, gross = net + tax', () => {
    for (const d of seed.documents) {
      expect(d.codingRows.length).toBeGreaterThanOrEqual(1);
      expect(d.codingRows.length).toBeLessThanOrEqual(4);
      let net = 0;
      let tax = 0;
      for (const r of d.codingRows) {
        expect(cents(r.grossTotal)).toBe(cents(r.netTotal) + cents(r.taxSum));
        expect(cents(r.taxSum)).toBe(Math.round((cents(r.netTotal) * r.taxPercent) / 100));
        expect(r.taxPercent).toBe(d.taxPercent1);
        expect(cents(r.netTotal)).toBeGreaterThan(0);
        net += cents(r.netTotal);
        tax += cents(r.taxSum);
      }
      expect(cents(d.netSum)).toBe(net);
      expect(cents(d.taxSum1)).toBe(tax);
      expect(cents(d.grossSum)).toBe(net + tax);
      expect(x.m3Keys[d.invoiceId]!.CUAM).toBe(((net + tax) / 100).toFixed(2));
    }
  });

  test('ordinary and already-posted documents use active M3 suppliers, GL accounts and cost centres', () => {
    const accounts = activeCodes('1');
    const costCenters = activeCodes('2');
    const suppliers = new Map(inforSeed.suppliers!.map((s) => [s.SUNO!, s]));
    for (const d of docs([...x.ordinary, ...x.alreadyPosted])) {
      for (const r of d.codingRows) {
        expect(accounts).toContain(r.accountCode);
        if (r.costCenterCode !== undefined) expect(costCenters).toContain(r.costCenterCode);
      }
    }
    for (const d of seed.documents) {
      const s = suppliers.get(d.supplierCode)!;
      expect(s).toBeDefined();
      expect(s.STAT).toBe('20');
      expect(s.PRSU).toBe(s.SUNO);
      expect(d).toMatchObject({ supplierName: s.SUNM, currencyCode: s.CUCD, paymentTermCode: s.TEPY });
      expect(d).toMatchObject({ companyCode: 'BW00', organizationElementCode: 'BW00', processingStatus: 'WaitingForTransfer' });
      expect(d.invoiceDate < NOW.toISOString()).toBe(true);
      expect(d.dueDate > d.invoiceDate).toBe(true);
      expect(x.m3Keys[d.invoiceId]).toMatchObject({ SUNO: d.supplierCode, SPYN: d.supplierCode, SINO: d.invoiceNumber, INYR: d.invoiceDate.slice(0, 4) });
    }
    const naturalKeys = seed.documents.map((d) => `${d.supplierCode}/${d.invoiceNumber}`);
    expect(new Set(naturalKeys).size).toBe(TOTAL);
  });

  test('unmapped documents reference codes that exist in no seed, and only they do', () => {
    expect(x.missingAccountCode).toBe('6999');
    expect(x.missingCostCenterCode).toBe('CC999');
    expect(allIdentityCodes).not.toContain('6999');
    expect(allIdentityCodes).not.toContain('CC999');
    const usesAccount = (d: AccountingDocumentSeed) => d.codingRows.some((r) => r.accountCode === '6999');
    const usesCostCenter = (d: AccountingDocumentSeed) => d.codingRows.some((r) => r.costCenterCode === 'CC999');
    expect(seed.documents.filter(usesAccount).map((d) => d.invoiceId)).toEqual(x.unmappedAccount);
    expect(seed.documents.filter(usesCostCenter).map((d) => d.invoiceId)).toEqual(x.unmappedCostCenter);
    // The unmapped-cost-centre document is otherwise coded to active accounts: only the cost centre holds it.
    const accounts = activeCodes('1');
    for (const r of docs(x.unmappedCostCenter)[0]!.codingRows) expect(accounts).toContain(r.accountCode);
  });

  test('one ordinary document has the invoice number of an already-posted one, from another supplier', () => {
    const same = byId.get(x.sameNumberOtherSupplier)!;
    expect(x.ordinary).toContain(same.invoiceId);
    const posted = docs(x.alreadyPosted).find((d) => d.invoiceNumber === same.invoiceNumber)!;
    expect(posted).toBeDefined();
    expect(posted.supplierCode).not.toBe(same.supplierCode);
  });

  test('the M3 seed holds exactly the already-posted documents as SUPA 90 batches that balance', () => {
    const batches = seed.alreadyPostedInM3.batches!;
    expect(batches.map((b) => b.head.CORI)).toEqual(x.alreadyPosted);
    for (const b of batches) {
      const d = byId.get(b.head.CORI!)!;
      expect(b.head).toMatchObject({ SUNO: d.supplierCode, SPYN: d.supplierCode, SINO: d.invoiceNumber, CUCD: d.currencyCode, SUPA: '90' });
      expect(b.head.IVDT).toBe(d.invoiceDate.slice(0, 10).replaceAll('-', ''));
      const net = b.lines!.reduce((s, l) => s + cents(Number(l.NLAM)), 0);
      const vat = b.lines!.reduce((s, l) => s + cents(Number(l.VTA1)), 0);
      expect(net + cents(Number(b.head.VTAM))).toBe(cents(Number(b.head.CUAM)));
      expect(vat).toBe(cents(Number(b.head.VTAM)));
    }
  });

  test('deterministic: the same inputs give the same documents, and Math.random is never used', () => {
    const random = vi.spyOn(Math, 'random');
    try {
      const again = defaultInvoiceSeed(defaultInforSeed(NOW), { now: NOW });
      expect(again).toEqual(seed);
      expect(random).not.toHaveBeenCalled();
    } finally {
      random.mockRestore();
    }
  });

  test('refuses an Infor seed that already has the "missing" account', () => {
    const withIt: InforSeed = { ...inforSeed, accountIds: [...inforSeed.accountIds!, { AITP: '1', AITM: '6999', LCCD: '0', VFDT: '20200101', VTDT: '' }] };
    expect(() => defaultInvoiceSeed(withIt, { now: NOW })).toThrow(/accounting identity 6999/);
  });
});

describe('the Basware simulator', () => {
  test('accepts every document through its own schema validation and stores them WaitingForTransfer', async () => {
    const basware = await startBaswareSimulator();
    try {
      basware.addAccountingDocuments(seed.documents);
      const stored = basware.store.accountingDocuments;
      expect(stored.size).toBe(TOTAL);
      for (const d of seed.documents) {
        const s = stored.get(d.invoiceId)!;
        expect(s).toMatchObject({ processingStatus: 'WaitingForTransfer', grossSum: d.grossSum, invoiceDate: d.invoiceDate, codingRows: d.codingRows });
      }
      // The validation is real: one unknown property and the whole batch is refused.
      const bad = { ...seed.documents[0]!, invoiceId: 'f'.repeat(32), approvalStatus: 'Approved' };
      expect(() => basware.addAccountingDocuments([bad])).toThrow(/approvalStatus is not allowed/);
    } finally {
      await basware.close();
    }
  });
});

/** Post a document through APS450MI/APS455MI as coded; the first business error, or 'posted'. */
async function postInM3(m3: M3Client, d: AccountingDocumentSeed): Promise<string> {
  const key = invoiceExpectations(sandbox).m3Keys[d.invoiceId]!;
  const fail = (env: Envelope) => (env.nrOfFailedTransactions > 0 ? env.results[0]!.errorMessage! : undefined);
  const head = await m3.call('APS450MI', 'AddHead', {
    DIVI: 'AAA', SUNO: key.SUNO, SPYN: key.SPYN, SINO: key.SINO, IBTP: '20', CUCD: d.currencyCode,
    IVDT: d.invoiceDate.slice(0, 10).replaceAll('-', ''), CUAM: key.CUAM, VTAM: d.taxSum1.toFixed(2), CORI: d.invoiceId,
  });
  const headError = fail(head.body);
  if (headError) return headError;
  const inbn = head.body.results[0].records[0].INBN as string;
  for (const r of d.codingRows) {
    const line: Record<string, string> = { DIVI: 'AAA', INBN: inbn, RDTP: '8', NLAM: r.netTotal.toFixed(2), VTA1: r.taxSum.toFixed(2), VTCD: r.taxCode, AIT1: r.accountCode };
    if (r.costCenterCode) line.AIT2 = r.costCenterCode;
    const lineError = fail((await m3.call('APS450MI', 'AddLine', line)).body);
    if (lineError) {
      await m3.records('APS450MI', 'DltInvoice', { DIVI: 'AAA', INBN: inbn });
      return lineError;
    }
  }
  return fail((await m3.call('APS455MI', 'ValidByBatchNo', { DIVI: 'AAA', INBN: inbn })).body) ?? 'posted';
}

let sandbox: PairSandbox;
let m3: M3Client;

describe('startInforBaswareSandbox({ invoices: true })', () => {
  beforeAll(async () => {
    sandbox = await startInforBaswareSandbox({ invoices: true });
    m3 = new M3Client(sandbox.infor);
    await m3.login();
  });
  afterAll(async () => sandbox?.close());

  test('Basware holds every document waiting for transfer; M3 holds two posted batches and their ledger invoices', () => {
    const e = invoiceExpectations(sandbox);
    const stored = sandbox.basware.store.accountingDocuments;
    expect([...stored.keys()].sort()).toEqual([...e.ordinary, ...e.unmappedAccount, ...e.unmappedCostCenter, ...e.alreadyPosted].sort());
    expect([...stored.values()].every((d) => d.processingStatus === 'WaitingForTransfer' && d.companyCode === 'BW00')).toBe(true);
    expect(sandbox.infor.stats().records).toMatchObject({ invoiceBatches: 2, ledgerInvoices: 2 });
  });

  test('the already-posted invoices are found by LstInvBySupInv with SUPA 90 and by GetInvTotInfo, unpaid', async () => {
    const e = invoiceExpectations(sandbox);
    for (const id of e.alreadyPosted) {
      const k = e.m3Keys[id]!;
      const rows = await m3.records('APS450MI', 'LstInvBySupInv', { DIVI: 'AAA', SPYN: k.SPYN, SUNO: k.SUNO, SINO: k.SINO });
      expect(rows.map((r) => [r.SUPA, r.CORI, r.CUAM])).toEqual([['90', id, k.CUAM]]);
      const [inv] = await m3.records('APS200MI', 'GetInvTotInfo', { DIVI: 'AAA', SPYN: k.SPYN, SUNO: k.SUNO, SINO: k.SINO, INYR: k.INYR });
      expect(inv).toMatchObject({ CUAM: k.CUAM, OCUA: k.CUAM, PCUA: '0.00', RECO: '0' });
    }
  });

  test('no other document is in M3 yet, including the one sharing a posted invoice number', async () => {
    const e = invoiceExpectations(sandbox);
    for (const id of [...e.ordinary, ...e.unmappedAccount, ...e.unmappedCostCenter]) {
      const k = e.m3Keys[id]!;
      expect(await m3.records('APS450MI', 'LstInvBySupInv', { DIVI: 'AAA', SPYN: k.SPYN, SUNO: k.SUNO, SINO: k.SINO })).toEqual([]);
    }
  });

  test('every ordinary document posts in M3 as coded (M3 finds it balanced); unmapped ones are refused by M3', async () => {
    const e = invoiceExpectations(sandbox);
    for (const d of docs(e.ordinary)) expect(await postInM3(m3, d), d.invoiceId).toBe('posted');
    for (const d of docs(e.unmappedAccount)) expect(await postInM3(m3, d)).toBe('Accounting identity 6999 does not exist');
    for (const d of docs(e.unmappedCostCenter)) expect(await postInM3(m3, d)).toBe('Accounting identity CC999 does not exist');
  });

  test('addMissingAccount adds 6999 as an active GL account newer than every seeded one; then those invoices post', async () => {
    const before = await m3.records('CRS630MI', 'LstAccountID', { DIVI: 'AAA', AITP: '1', maxrecs: '0' });
    const newest = before.map((a) => a.LMTS!).sort().at(-1)!;
    addMissingAccount(sandbox);
    const [account] = await m3.records('CRS630MI', 'LstAccountID', { DIVI: 'AAA', AITP: '1', AITM: '6999', maxrecs: '1' });
    expect(account).toMatchObject({ AITM: '6999', LCCD: '0', VTDT: '' });
    expect(account!.VFDT! <= new Date().toISOString().slice(0, 10).replaceAll('-', '')).toBe(true);
    expect(account!.LMTS! > newest).toBe(true);
    const e = invoiceExpectations(sandbox);
    for (const d of docs(e.unmappedAccount)) expect(await postInM3(m3, d)).toBe('posted');
    addMissingCostCenter(sandbox);
    for (const d of docs(e.unmappedCostCenter)) expect(await postInM3(m3, d)).toBe('posted');
  });

  test('a posted invoice can be paid in M3 (what the payments flow reads)', async () => {
    const e = invoiceExpectations(sandbox);
    const k = e.m3Keys[e.alreadyPosted[0]!]!;
    const paid = sandbox.infor.payInvoice({ SUNO: k.SUNO, SINO: k.SINO, INYR: k.INYR, amount: k.CUAM });
    expect(paid).toMatchObject({ OCUA: '0.00', PCUA: k.CUAM, RECO: '9' });
  });
});

describe('startInforBaswareSandbox without invoices', () => {
  test('by default nothing is seeded: no documents, no batches, and invoiceExpectations says how to get them', async () => {
    const plain = await startInforBaswareSandbox();
    try {
      expect(plain.basware.store.accountingDocuments.size).toBe(0);
      expect(plain.infor.stats().records).toMatchObject({ invoiceBatches: 0, ledgerInvoices: 0 });
      expect(plain.invoices).toBeUndefined();
      expect(() => invoiceExpectations(plain)).toThrow(/invoices: true/);
    } finally {
      await plain.close();
    }
  });

  test("invoices with seed 'none' is refused: the invoices are coded against the default seed", async () => {
    await expect(startInforBaswareSandbox({ seed: 'none', invoices: true })).rejects.toThrow(/needs the default M3 seed/);
  });
});
