/** Seeding APS450MI supplier invoice batches (`batches` of `POST /_sim/m3/seed`): posted ones, open ones, INBN order. */
import { afterAll, beforeEach, describe, expect, test } from 'vitest';
import { startInforSimulator, type InforSeed, type InforSimulator, type M3Record } from '../../../src/sandbox/infor/index.js';
import { control, M3Client } from './harness.js';

let sim: InforSimulator;
let m3: M3Client;
const ready = startInforSimulator({ seed: 'none' }).then((s) => (sim = s));

const MASTER: InforSeed = {
  suppliers: [
    { SUNO: '10001', SUNM: 'Acme Components Ltd', CUCD: 'EUR', TEPY: '30D', PYME: 'BTR' },
    { SUNO: '10002', SUNM: 'Factored Supplies GmbH', CUCD: 'EUR', TEPY: '15D', PRSU: '10001' },
  ],
  accountIds: [
    { AITP: '1', AITM: '6110', TX40: 'Office supplies' },
    { AITP: '2', AITM: 'CC310', TX40: 'Sales DACH' },
  ],
};

const POSTED_HEAD = { SUNO: '10001', SINO: 'INV-4711', IVDT: '20240701', DUDT: '20240731', CUAM: '1250.00', VTAM: '250.00', CORI: 'c0ffee', SUPA: '90' };
const POSTED_LINES: M3Record[] = [
  { NLAM: '600.00', VTA1: '150.00', VTCD: '25', AIT1: '6110', AIT2: 'CC310', CHGT: 'Paper' },
  { NLAM: '400', VTA1: '100', VTCD: '25', AIT1: '6110' },
];
const LOOKUP = { DIVI: 'AAA', SPYN: '10001', SUNO: '10001', SINO: 'INV-4711' };

beforeEach(async () => {
  await ready;
  sim.reset({ seed: MASTER });
  m3 = new M3Client(sim);
  await m3.login();
});
afterAll(async () => sim.close());

describe('seeded invoice batches', () => {
  test('a batch seeded with SUPA 90 is found by LstInvBySupInv and is in the ledger, unpaid', async () => {
    sim.seed({ batches: [{ head: POSTED_HEAD, lines: POSTED_LINES }] });
    const rows = await m3.records('APS450MI', 'LstInvBySupInv', LOOKUP);
    expect(rows).toEqual([
      expect.objectContaining({ INBN: '1000123', IBTP: '20', SUPA: '90', SUNO: '10001', SPYN: '10001', CUCD: 'EUR', CUAM: '1250.00', CORI: 'c0ffee' }),
    ]);
    const [inv] = await m3.records('APS200MI', 'GetInvTotInfo', { ...LOOKUP, INYR: '2024' });
    expect(inv).toMatchObject({ TRCD: '40', CUAM: '1250.00', VTAM: '250.00', OCUA: '1250.00', PCUA: '0.00', RECO: '0', DUDT: '20240731', PYME: 'BTR' });
    const lines = await m3.records('APS450MI', 'LstLines', { DIVI: 'AAA', INBN: '1000123' });
    expect(lines.map((l) => [l.TRNO, l.RDTP, l.NLAM, l.VTA1, l.AIT1, l.AIT2, l.CINO, l.INYR])).toEqual([
      ['1', '8', '600.00', '150.00', '6110', 'CC310', 'INV-4711', '2024'],
      ['2', '8', '400.00', '100.00', '6110', '', 'INV-4711', '2024'],
    ]);
    // Posted means closed: the batch refuses new lines.
    expect((await m3.error('APS450MI', 'AddLine', { DIVI: 'AAA', INBN: '1000123', RDTP: '8', NLAM: '1.00', AIT1: '6110' })).errorMessage).toBe(
      'Invoice batch 1000123 is already updated',
    );
    expect(sim.stats().records).toMatchObject({ invoiceBatches: 1, ledgerInvoices: 1 });
  });

  test('the payee defaults to the supplier’s PRSU, as AddHead does', async () => {
    sim.seed({ batches: [{ head: { ...POSTED_HEAD, SUNO: '10002' }, lines: POSTED_LINES }] });
    const rows = await m3.records('APS450MI', 'LstInvBySupInv', { DIVI: 'AAA', SPYN: '10001', SUNO: '10002', SINO: 'INV-4711' });
    expect(rows.map((r) => [r.SUPA, r.SPYN])).toEqual([['90', '10001']]);
  });

  test('the posted invoice can be paid in M3 like one posted through ValidByBatchNo', async () => {
    sim.seed({ batches: [{ head: POSTED_HEAD, lines: POSTED_LINES }] });
    const paid = sim.payInvoice({ SUNO: '10001', SINO: 'INV-4711', INYR: '2024', amount: '1250.00', date: '20240729' });
    expect(paid).toMatchObject({ OCUA: '0.00', PCUA: '1250.00', RECO: '9', REDE: '20240729' });
  });

  test('a batch seeded without SUPA stays entered (10), and ValidByBatchNo posts it', async () => {
    const { SUPA: _posted, ...open } = POSTED_HEAD;
    sim.seed({ batches: [{ head: open, lines: POSTED_LINES }] });
    expect((await m3.records('APS450MI', 'LstInvBySupInv', LOOKUP)).map((r) => r.SUPA)).toEqual(['10']);
    expect((await m3.error('APS200MI', 'GetInvTotInfo', { ...LOOKUP, INYR: '2024' })).errorMessage).toBe('Record does not exist');
    expect(await m3.records('APS455MI', 'ValidByBatchNo', { DIVI: 'AAA', INBN: '1000123' })).toEqual([]);
    expect((await m3.records('APS450MI', 'GetHead', { DIVI: 'AAA', INBN: '1000123' }))[0]!.SUPA).toBe('90');
  });

  test('an explicit INBN is kept, later AddHead numbers continue above it, and listings stay in INBN order', async () => {
    sim.seed({ batches: [{ head: { ...POSTED_HEAD, INBN: '2000000' }, lines: POSTED_LINES }] });
    sim.seed({ batches: [{ head: { ...POSTED_HEAD, INBN: '1500000' }, lines: POSTED_LINES }] });
    const added = await m3.records('APS450MI', 'AddHead', { DIVI: 'AAA', SUNO: '10001', SINO: 'INV-4711', IVDT: '20240701' });
    expect(added[0]!.INBN).toBe('2000001');
    const rows = await m3.records('APS450MI', 'LstInvBySupInv', LOOKUP);
    expect(rows.map((r) => [r.INBN, r.SUPA])).toEqual([['1500000', '90'], ['2000000', '90'], ['2000001', '10']]);
  });

  test('POST /_sim/m3/seed takes batches over HTTP; a batch without SUNO is refused with 400 and nothing is stored', async () => {
    const ok = await control(sim, 'POST', '/_sim/m3/seed', { batches: [{ head: POSTED_HEAD, lines: POSTED_LINES }] });
    expect(ok.status).toBe(200);
    expect(await m3.records('APS450MI', 'LstInvBySupInv', LOOKUP)).toHaveLength(1);
    const { SUNO: _s, ...noSupplier } = POSTED_HEAD;
    const bad = await control(sim, 'POST', '/_sim/m3/seed', { batches: [{ head: noSupplier }] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('a seeded invoice batch needs SUNO');
    const unknownKey = await control(sim, 'POST', '/_sim/m3/seed', { batches: [{ head: POSTED_HEAD, extra: [] }] });
    expect(unknownKey.status).toBe(400);
    expect(sim.stats().records.invoiceBatches).toBe(1);
  });
});
