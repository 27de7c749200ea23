/** Supplier invoice batches and the ledger (apis/infor.md §5.7–§5.12; §7 items 8, 9, 14, 16–19, 24). */
import { afterAll, beforeEach, describe, expect, test } from 'vitest';
import { startInforSimulator, type InforSeed, type InforSimulator } from '../../../src/sandbox/infor/index.js';
import { control, M3Client } from './harness.js';

let sim: InforSimulator;
let m3: M3Client;
const ready = startInforSimulator({ seed: 'none' }).then((s) => (sim = s));

const SEED: InforSeed = {
  suppliers: [
    { SUNO: '10001', SUNM: 'Acme Components Ltd', CUCD: 'EUR', TEPY: '30D', PYME: 'BTR' },
    { SUNO: '10002', SUNM: 'Factored Supplies GmbH', CUCD: 'EUR', TEPY: '15D', PRSU: '10001' },
    { SUNO: '10090', SUNM: 'Blocked Ltd', STAT: '90' },
  ],
  purchaseOrders: [{ head: { PUNO: '4000123', SUNO: '10001' }, lines: [{ PNLI: '10', ORQA: '100', RVQA: '100', IVQA: '0', PUPR: '6.00', LNAM: '600.00', LMTS: '20240101000000000' }] }],
  accountIds: [
    { AITP: '1', AITM: '6110', TX40: 'Office supplies' },
    { AITP: '1', AITM: '6540', TX40: 'IT services' },
    { AITP: '2', AITM: 'CC310', TX40: 'Sales DACH' },
  ],
};

const HEAD = { DIVI: 'AAA', SUNO: '10001', SPYN: '10001', IVDT: '20240701', IBTP: '20', SINO: 'INV-4711', CUCD: 'EUR', CUAM: '1250.00', VTAM: '250.00', ACDT: '20240702', DUDT: '20240731', CORI: '138e7d94997847aebe7432e521b3dac9' };
const LINE = { DIVI: 'AAA', RDTP: '8', NLAM: '600.00', VTCD: '25', VTA1: '150.00', AIT1: '6110', AIT2: 'CC310', CHGT: 'Consulting June' };
const LOOKUP = { DIVI: 'AAA', SPYN: '10001', SUNO: '10001', SINO: 'INV-4711' };
const LEDGER_KEY = { DIVI: 'AAA', SPYN: '10001', SUNO: '10001', SINO: 'INV-4711', INYR: '2024' };

beforeEach(async () => {
  await ready;
  sim.reset({ seed: SEED });
  m3 = new M3Client(sim);
  await m3.login();
});
afterAll(async () => sim.close());

async function addHead(fields: Record<string, string> = {}): Promise<string> {
  return (await m3.records('APS450MI', 'AddHead', { ...HEAD, ...fields }))[0]!.INBN!;
}

/** A balanced batch: 600 + 400 net, 150 + 100 VAT, 1250 total. */
async function balancedBatch(): Promise<string> {
  const inbn = await addHead();
  await m3.records('APS450MI', 'AddLine', { ...LINE, INBN: inbn });
  await m3.records('APS450MI', 'AddLine', { ...LINE, INBN: inbn, NLAM: '400.00', VTA1: '100.00', AIT1: '6540', AIT2: '' });
  return inbn;
}

const supa = async (inbn: string) => (await m3.records('APS450MI', 'GetHead', { DIVI: 'AAA', INBN: inbn }))[0]!.SUPA;

describe('APS450MI AddHead / LstInvBySupInv', () => {
  test('AddHead is not idempotent: the same call twice makes two batches, and the lookup lists both (§7 item 8)', async () => {
    expect(await addHead()).toBe('1000123');
    expect(await addHead()).toBe('1000124');
    const rows = await m3.records('APS450MI', 'LstInvBySupInv', LOOKUP);
    expect(rows.map((r) => [r.INBN, r.IBTP, r.SUPA])).toEqual([['1000123', '20', '10'], ['1000124', '20', '10']]);
    expect(rows[0]!.CORI).toBe(HEAD.CORI);
  });

  test('no match is records: [] (§7 item 9)', async () => {
    expect(await m3.records('APS450MI', 'LstInvBySupInv', LOOKUP)).toEqual([]);
  });

  test('GetHead shows what AddHead stored, SUPA 10 and the defaults from the supplier', async () => {
    const inbn = await addHead({ SUNO: '10002', SPYN: '', CUCD: '', DUDT: '', ACDT: '' });
    const [head] = await m3.records('APS450MI', 'GetHead', { DIVI: 'AAA', INBN: inbn });
    // SPYN defaults to the supplier’s payee (PRSU), DUDT to IVDT + the payment-term days.
    expect(head).toMatchObject({ INBN: inbn, SUPA: '10', IBHE: '0', IBLE: '0', SUNO: '10002', SPYN: '10001', CUCD: 'EUR', CUAM: '1250.00', VTAM: '250.00', TLNA: '0.00', IVDT: '20240701', ACDT: '20240701', DUDT: '20240716', CORI: HEAD.CORI });
  });

  test('business errors: unknown or blocked supplier, missing SUNO, bad date; nothing is created', async () => {
    expect((await m3.error('APS450MI', 'AddHead', { ...HEAD, SUNO: '99999' })).errorMessage).toBe('Supplier 99999 does not exist');
    expect((await m3.error('APS450MI', 'AddHead', { ...HEAD, SUNO: '10090' })).errorMessage).toBe('Supplier 10090 is blocked');
    const { SUNO: _omit, ...noSupplier } = HEAD;
    expect((await m3.error('APS450MI', 'AddHead', noSupplier)).errorMessage).toBe('SUNO must be entered');
    expect((await m3.error('APS450MI', 'AddHead', { ...HEAD, IVDT: '2024-07-01' })).errorMessage).toBe('Invoice date 2024-07-01 is invalid');
    expect((await m3.error('APS450MI', 'AddHead', { ...HEAD, CORI: 'x'.repeat(37) })).errorField).toBe('CORI');
    expect(await m3.records('APS450MI', 'LstInvBySupInv', LOOKUP)).toEqual([]);
    expect(await addHead()).toBe('1000123');
  });
});

describe('APS450MI AddLine / LstLines', () => {
  test('adds coding rows with TRNO 1, 2 … and LstLines returns them', async () => {
    const inbn = await balancedBatch();
    const lines = await m3.records('APS450MI', 'LstLines', { DIVI: 'AAA', INBN: inbn });
    expect(lines.map((l) => [l.TRNO, l.RDTP, l.NLAM, l.VTA1, l.AIT1, l.AIT2, l.CINO, l.INYR])).toEqual([
      ['1', '8', '600.00', '150.00', '6110', 'CC310', 'INV-4711', '2024'],
      ['2', '8', '400.00', '100.00', '6540', '', 'INV-4711', '2024'],
    ]);
    expect((await m3.records('APS450MI', 'GetHead', { DIVI: 'AAA', INBN: inbn }))[0]!.TLNA).toBe('1000.00');
  });

  test('an unknown account or cost centre, a decimal comma or an unknown batch is refused, the batch unchanged (§7 items 14, 16)', async () => {
    const inbn = await addHead();
    expect((await m3.error('APS450MI', 'AddLine', { ...LINE, INBN: inbn, AIT1: '9999' })).errorMessage).toBe('Accounting identity 9999 does not exist');
    const cc = await m3.error('APS450MI', 'AddLine', { ...LINE, INBN: inbn, AIT2: 'CC999' });
    expect(cc).toMatchObject({ errorMessage: 'Accounting identity CC999 does not exist', errorField: 'AIT2' });
    // An account code is not a cost centre: AIT2 looks in dimension 2.
    expect((await m3.error('APS450MI', 'AddLine', { ...LINE, INBN: inbn, AIT2: '6110' })).errorMessage).toBe('Accounting identity 6110 does not exist');
    expect((await m3.error('APS450MI', 'AddLine', { ...LINE, INBN: inbn, NLAM: '600,00' })).errorMessage).toBe('NLAM 600,00 is invalid');
    expect((await m3.error('APS450MI', 'AddLine', { ...LINE, INBN: '1000999' })).errorMessage).toBe('Invoice batch 1000999 does not exist');
    expect((await m3.error('APS450MI', 'AddLine', { ...LINE, INBN: inbn, RDTP: '3' })).errorMessage).toBe('Line type 3 is invalid');
    expect(await m3.records('APS450MI', 'LstLines', { DIVI: 'AAA', INBN: inbn })).toEqual([]);
  });

  test('a PO-matched line (RDTP 1) needs an existing PO line and books the invoiced quantity on it', async () => {
    const inbn = await addHead({ CUAM: '750.00', VTAM: '150.00' });
    expect((await m3.error('APS450MI', 'AddLine', { DIVI: 'AAA', INBN: inbn, RDTP: '1', PUNO: '4000123', PNLI: '20' })).errorMessage).toBe('Purchase order line 4000123 20 does not exist');
    await m3.records('APS450MI', 'AddLine', { DIVI: 'AAA', INBN: inbn, RDTP: '1', PUNO: '4000123', PNLI: '10', IVQA: '100', GRPR: '6.00', VTA1: '150.00', REPN: '5500021' });
    expect((await m3.records('APS450MI', 'LstLines', { DIVI: 'AAA', INBN: inbn }))[0]).toMatchObject({ RDTP: '1', NLAM: '600.00', PUNO: '4000123', PNLI: '10', PNLS: '0' });
    await m3.records('APS455MI', 'ValidByBatchNo', { DIVI: 'AAA', INBN: inbn });
    const [line] = await m3.records('PPS200MI', 'LstLine', { PUNO: '4000123' });
    expect(line!.IVQA).toBe('100');
  });
});

describe('APS455MI/ValidByBatchNo and APS200MI/GetInvTotInfo', () => {
  test('an unbalanced batch → error, SUPA 15 with the error flag, nothing in the ledger (§7 item 17)', async () => {
    const inbn = await addHead();
    await m3.records('APS450MI', 'AddLine', { ...LINE, INBN: inbn });
    const err = await m3.error('APS455MI', 'ValidByBatchNo', { DIVI: 'AAA', INBN: inbn });
    expect(err.errorMessage).toBe(`Invoice batch ${inbn} is not balanced`);
    const [head] = await m3.records('APS450MI', 'GetHead', { DIVI: 'AAA', INBN: inbn });
    expect(head).toMatchObject({ SUPA: '15', IBHE: '1', IBLE: '1' });
    expect((await m3.error('APS200MI', 'GetInvTotInfo', LEDGER_KEY)).errorMessage).toBe('Record does not exist');
    // Fixing the batch and validating again posts it.
    await m3.records('APS450MI', 'AddLine', { ...LINE, INBN: inbn, NLAM: '400.00', VTA1: '100.00' });
    expect(await m3.records('APS455MI', 'ValidByBatchNo', { DIVI: 'AAA', INBN: inbn })).toEqual([]);
    expect(await supa(inbn)).toBe('90');
  });

  test('success → SUPA 90; the ledger invoice has OCUA = CUAM and PCUA 0 (§7 item 18)', async () => {
    const inbn = await balancedBatch();
    expect(await m3.records('APS455MI', 'ValidByBatchNo', { DIVI: 'AAA', INBN: inbn })).toEqual([]);
    expect(await supa(inbn)).toBe('90');
    expect((await m3.records('APS450MI', 'LstInvBySupInv', LOOKUP))[0]!.SUPA).toBe('90');
    const [inv] = await m3.records('APS200MI', 'GetInvTotInfo', LEDGER_KEY);
    expect(inv).toMatchObject({ YEA4: '2024', JRNO: '345', JSNO: '1', TRCD: '40', SPYN: '10001', SUNO: '10001', SINO: 'INV-4711', INYR: '2024', CUCD: 'EUR', CUAM: '1250.00', VTAM: '250.00', IVDT: '20240701', DUDT: '20240731', APRV: '1', PYME: 'BTR', RECO: '0', REDE: '', PCUA: '0.00', OCUA: '1250.00' });
    expect(inv!.LMTS).toMatch(/^\d{17}$/);
    const coding = (await m3.records('EXPORTMI', 'Select', { QERY: 'EGAIT1,EGAIT2,EGACAM from FGLEDG where EGJRNO = 345' })).map((r) => r.REPL);
    expect(coding).toEqual(['6110;CC310;600.00', '6540;;400.00', '2640;;250.00', '2410;;-1250.00']);
  });

  test('a posted batch refuses AddLine, ValidByBatchNo and DltInvoice (§7 item 16)', async () => {
    const inbn = await balancedBatch();
    await m3.records('APS455MI', 'ValidByBatchNo', { DIVI: 'AAA', INBN: inbn });
    const updated = `Invoice batch ${inbn} is already updated`;
    expect((await m3.error('APS450MI', 'AddLine', { ...LINE, INBN: inbn })).errorMessage).toBe(updated);
    expect((await m3.error('APS455MI', 'ValidByBatchNo', { DIVI: 'AAA', INBN: inbn })).errorMessage).toBe(updated);
    expect((await m3.error('APS450MI', 'DltInvoice', { DIVI: 'AAA', INBN: inbn })).errorMessage).toBe(updated);
    expect(await m3.records('APS450MI', 'LstLines', { DIVI: 'AAA', INBN: inbn })).toHaveLength(2);
  });

  test('with validationDelaySeconds GetHead shows SUPA 10 until the delay passes (§7 item 19)', async () => {
    sim.setConfig({ validationDelaySeconds: 30 });
    const inbn = await balancedBatch();
    expect(await m3.records('APS455MI', 'ValidByBatchNo', { DIVI: 'AAA', INBN: inbn })).toEqual([]);
    expect(await supa(inbn)).toBe('10');
    expect((await m3.error('APS200MI', 'GetInvTotInfo', LEDGER_KEY)).errorMessage).toBe('Record does not exist');
    // Validating again while it runs is refused; the client polls instead.
    expect((await m3.error('APS455MI', 'ValidByBatchNo', { DIVI: 'AAA', INBN: inbn })).errorMessage).toBe(`Invoice batch ${inbn} is being validated`);
    sim.setClockOffset(29);
    expect(await supa(inbn)).toBe('10');
    sim.setClockOffset(30);
    expect(await supa(inbn)).toBe('90');
    expect((await m3.records('APS200MI', 'GetInvTotInfo', LEDGER_KEY))[0]!.OCUA).toBe('1250.00');
  });

  test('DltInvoice removes an unposted batch', async () => {
    const inbn = await addHead();
    expect(await m3.records('APS450MI', 'DltInvoice', { DIVI: 'AAA', INBN: inbn })).toEqual([]);
    expect(await m3.records('APS450MI', 'LstInvBySupInv', LOOKUP)).toEqual([]);
    expect((await m3.error('APS450MI', 'GetHead', { DIVI: 'AAA', INBN: inbn })).errorMessage).toBe(`Invoice batch ${inbn} does not exist`);
  });

  test('a batch is only visible in its own division', async () => {
    const inbn = await addHead();
    expect((await m3.error('APS450MI', 'GetHead', { DIVI: 'BBB', INBN: inbn })).errorMessage).toBe(`Invoice batch ${inbn} does not exist`);
    expect(await m3.records('APS450MI', 'LstInvBySupInv', { ...LOOKUP, DIVI: 'BBB' })).toEqual([]);
  });
});

describe('POST /_sim/m3/payInvoice (§9, §7 item 24)', () => {
  test('a partial payment leaves RECO 0; the rest settles it with REDE = payment date', async () => {
    const inbn = await balancedBatch();
    await m3.records('APS455MI', 'ValidByBatchNo', { DIVI: 'AAA', INBN: inbn });
    const partial = await control(sim, 'POST', '/_sim/m3/payInvoice', { DIVI: 'AAA', SUNO: '10001', SINO: 'INV-4711', INYR: '2024', amount: '250.00', date: '20240720' });
    expect(partial.status).toBe(200);
    expect((await m3.records('APS200MI', 'GetInvTotInfo', LEDGER_KEY))[0]).toMatchObject({ PCUA: '250.00', OCUA: '1000.00', RECO: '0', REDE: '' });
    const tooMuch = await control(sim, 'POST', '/_sim/m3/payInvoice', { SUNO: '10001', SINO: 'INV-4711', INYR: '2024', amount: '1000.01' });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.message).toBe('Payment amount exceeds open amount');
    await control(sim, 'POST', '/_sim/m3/payInvoice', { DIVI: 'AAA', SUNO: '10001', SINO: 'INV-4711', INYR: '2024', amount: '1000.00', date: '20240729' });
    const [paid] = await m3.records('APS200MI', 'GetInvTotInfo', LEDGER_KEY);
    expect(paid).toMatchObject({ PCUA: '1250.00', OCUA: '0.00', RECO: '9', REDE: '20240729' });
    const missing = await control(sim, 'POST', '/_sim/m3/payInvoice', { SUNO: '10001', SINO: 'NOPE', INYR: '2024', amount: '1.00' });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toBe('Invoice NOPE does not exist');
  });
});
