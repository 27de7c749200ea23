/** EXPORTMI/Select with the MODELED grammar (apis/infor.md §5.3; §7 items 20, 21). */
import { afterAll, beforeEach, describe, expect, test } from 'vitest';
import { startInforSimulator, type InforSeed, type InforSimulator } from '../../../src/sandbox/infor/index.js';
import { M3Client } from './harness.js';

let sim: InforSimulator;
let m3: M3Client;
const ready = startInforSimulator({ seed: 'none' }).then((s) => (sim = s));

const line = (pnli: string, lmts: string) => ({ PNLI: pnli, ITNO: `IT-${pnli}`, ORQA: '1', PUPR: '1.00', LNAM: '1.00', PUSL: '15', PUST: '15', LMTS: lmts });
const SEED: InforSeed = {
  suppliers: [{ SUNO: '10001', SUNM: 'Acme Components Ltd' }],
  purchaseOrders: [
    { head: { PUNO: '4000123', SUNO: '10001', LMTS: '20240615093012123' }, lines: [line('10', '20240615093012123'), line('100', '20240620000000000'), line('20', '20240601000000000')] },
    { head: { PUNO: '4000100', SUNO: '10001', LMTS: '20240501000000000' }, lines: [line('10', '20240501000000000')] },
    { head: { PUNO: '4000131', SUNO: '10001', LMTS: '20240616101500000' }, lines: [] },
    { head: { PUNO: '4000140', SUNO: '10001', LMTS: '20240617000000000' }, lines: [] },
    { head: { CONO: '200', PUNO: '4000124', SUNO: '10001', LMTS: '20240618000000000' }, lines: [line('10', '20240618000000000')] },
  ],
};

beforeEach(async () => {
  await ready;
  sim.reset({ seed: SEED });
  m3 = new M3Client(sim);
  await m3.login();
});
afterAll(async () => sim.close());

const select = (qery: string, extra: Record<string, string> = {}) => m3.records('EXPORTMI', 'Select', { QERY: qery, SEPC: ';', HDRS: '0', ...extra });
const repl = async (qery: string, extra: Record<string, string> = {}) => (await select(qery, extra)).map((r) => r.REPL!);

describe('EXPORTMI/Select', () => {
  test('the §5.3 example: one REPL per row, values joined by SEPC, rows in key order', async () => {
    const rows = await repl("IAPUNO,IALMTS from MPHEAD where IALMTS > 20240601000000000 and IAPUNO > '4000100'", { maxrecs: '500' });
    expect(rows).toEqual(['4000123;20240615093012123', '4000131;20240616101500000', '4000140;20240617000000000']);
  });

  test('the request is sent percent-encoded exactly as the client builds it', async () => {
    const url = `${m3.url('EXPORTMI', 'Select')}?QERY=IAPUNO,IALMTS%20from%20MPHEAD%20where%20IALMTS%20%3E%2020240601000000000%20and%20IAPUNO%20%3E%20%274000100%27&SEPC=%3B&HDRS=0&maxrecs=500&cono=100&righttrim=true`;
    const res = await m3.raw('GET', url);
    expect(res.body.results[0]).toEqual({ transaction: 'Select', records: [{ REPL: '4000123;20240615093012123' }, { REPL: '4000131;20240616101500000' }, { REPL: '4000140;20240617000000000' }] });
  });

  test('keyset paging on IAPUNO with maxrecs walks every head once', async () => {
    const seen: string[] = [];
    let last = '';
    for (;;) {
      const page = await repl(`IAPUNO from MPHEAD where IALMTS > 0 and IAPUNO > '${last}'`, { maxrecs: '2' });
      seen.push(...page);
      if (page.length < 2) break;
      last = page[page.length - 1]!;
    }
    expect(seen).toEqual(['4000100', '4000123', '4000131', '4000140']);
  });

  test('MPLINE rows come in key order PUNO, PNLI (numeric), PNLS', async () => {
    const rows = await repl('IBPUNO,IBPNLI,IBPNLS,IBLMTS from MPLINE where IBLMTS > 20240501000000000');
    expect(rows).toEqual(['4000123;10;0;20240615093012123', '4000123;20;0;20240601000000000', '4000123;100;0;20240620000000000']);
  });

  test('a custom SEPC; HDRS=1 puts a header row first, on top of maxrecs data rows (§7 item 20)', async () => {
    expect(await repl('IAPUNO,IASUNO from MPHEAD', { SEPC: '|', HDRS: '1', maxrecs: '2' })).toEqual(['IAPUNO|IASUNO', '4000100|10001', '4000123|10001']);
    expect(await repl('IAPUNO,IASUNO from MPHEAD', { SEPC: '', maxrecs: '1' })).toEqual(['4000100;10001']);
  });

  test('values are trimmed even when the row is padded; REPL itself is padded without righttrim', async () => {
    const res = await m3.call('EXPORTMI', 'Select', { QERY: 'IAPUNO,IASUNO from MPHEAD', maxrecs: '1', righttrim: 'false' });
    const value: string = res.body.results[0].records[0].REPL;
    expect(value).toHaveLength(984);
    expect(value.trimEnd()).toBe('4000100;10001');
  });

  test('operators =, <>, <, <=, >= and string literals', async () => {
    expect(await repl("IAPUNO from MPHEAD where IAPUNO = '4000123'")).toEqual(['4000123']);
    expect(await repl("IAPUNO from MPHEAD where IAPUNO <> '4000123' and IAPUNO <= '4000131'")).toEqual(['4000100', '4000131']);
    expect(await repl('IAPUNO from MPHEAD where IALMTS < 20240616101500000 and IALMTS >= 20240501000000000')).toEqual(['4000100', '4000123']);
    expect(await repl('iapuno FROM mphead WHERE ialmts > 20240616101500000')).toEqual(['4000140']);
  });

  test('company conditions are ignored: rows come only from the call’s cono (§7 item 21)', async () => {
    sim.setConfig({ allowedCompanies: [100, 200] });
    expect(await repl('IAPUNO,IACONO from MPHEAD where IACONO = 200')).toEqual(['4000100;100', '4000123;100', '4000131;100', '4000140;100']);
    expect(await repl('IAPUNO,IACONO from MPHEAD where IACONO = 100', { cono: '200' })).toEqual(['4000124;200']);
    expect(await repl('IBPUNO from MPLINE', { cono: '200' })).toEqual(['4000124']);
  });

  test('anything outside the grammar is "Invalid query" (§7 item 20)', async () => {
    const invalid = [
      '* from MPHEAD',
      'IAPUNO MPHEAD',
      'IAPUNO from',
      'IAPUNO from NOTABLE',
      'IAXXXX from MPHEAD',
      'IBPUNO from MPHEAD',
      'IAPUNO from MPHEAD where IAXXXX = 1',
      'IAPUNO from MPHEAD where IALMTS > 1 or IAPUNO = 2',
      'IAPUNO from MPHEAD where IALMTS > 1.5',
      "IAPUNO from MPHEAD where IAPUNO = 'open",
      'IAPUNO from MPHEAD where IALMTS >',
      'IAPUNO from MPHEAD order by IAPUNO',
      'IAPUNO, from MPHEAD',
    ];
    for (const qery of invalid) {
      const err = await m3.error('EXPORTMI', 'Select', { QERY: qery });
      expect(err, qery).toMatchObject({ errorMessage: 'Invalid query', errorField: 'QERY' });
    }
    expect((await m3.error('EXPORTMI', 'Select', {})).errorMessage).toBe('QERY must be entered');
  });

  test('FPLEDG and FGLEDG expose ledger invoices and their coding rows', async () => {
    sim.seed({
      ledgerInvoices: [{
        DIVI: 'AAA', YEA4: '2024', JRNO: '345', JSNO: '1', SPYN: '10001', SUNO: '10001', SINO: 'INV-4711', IVDT: '20240701', DUDT: '20240731',
        CUCD: 'EUR', CUAM: '1250.00', VTAM: '250.00', PYME: 'BTR', LMTS: '20240705120000000',
        coding: [{ AIT1: '6110', AIT2: 'CC310', ACAM: '1000.00', CUAM: '1000.00', VTCD: '25', VTXT: 'Consulting' }, { AIT1: '2410', ACAM: '-1250.00' }],
      }],
    });
    const fpledg = await repl('EPDIVI,EPYEA4,EPJRNO,EPJSNO,EPSPYN,EPSUNO,EPSINO,EPINYR,EPIVDT,EPDUDT,EPCUCD,EPCUAM,EPVTAM,EPPYME,EPLMTS from FPLEDG where EPTRCD = 40 and EPAPRV = 1 and EPLMTS > 20240701000000000 and EPLMTS <= 20240801000000000');
    expect(fpledg).toEqual(['AAA;2024;345;1;10001;10001;INV-4711;2024;20240701;20240731;EUR;1250.00;250.00;BTR;20240705120000000']);
    const fgledg = await repl("EGAIT1,EGAIT2,EGACAM from FGLEDG where EGDIVI = 'AAA' and EGYEA4 = 2024 and EGJRNO = 345");
    expect(fgledg).toEqual(['6110;CC310;1000.00', '2410;;-1250.00']);
  });
});
