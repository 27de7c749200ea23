/** Master-data transactions: CRS620MI, PPS200MI, CRS630MI (apis/infor.md §5.1–§5.6, §6.1; §7 items 11, 12). */
import { afterAll, beforeEach, describe, expect, test } from 'vitest';
import { defaultInforSeed, startInforSimulator, type InforSeed, type InforSimulator } from '../../../src/sandbox/infor/index.js';
import { lmtsOf } from '../../../src/sandbox/infor/m3-time.js';
import { M3Client } from './harness.js';

let sim: InforSimulator;
let m3: M3Client;
/** The exact data the simulator holds in each test. */
let seed: InforSeed;
const ready = startInforSimulator({ seed: 'none' }).then((s) => (sim = s));

beforeEach(async () => {
  await ready;
  seed = defaultInforSeed(sim.server.clock.now());
  sim.reset({ seed });
  m3 = new M3Client(sim);
  await m3.login();
});
afterAll(async () => sim.close());

/** Key paging as the client does it (§6.1): from-key inclusive, drop a repeated first record, stop on a short page. */
async function pageAll(
  program: string,
  transaction: string,
  keyField: string,
  fromField: string,
  params: Record<string, string>,
  pageSize: number,
): Promise<{ records: Record<string, string>[]; calls: number }> {
  const records: Record<string, string>[] = [];
  let from: string | undefined;
  let calls = 0;
  for (;;) {
    const page = await m3.records(program, transaction, { ...params, maxrecs: String(pageSize), ...(from ? { [fromField]: from } : {}) });
    calls += 1;
    const fresh = from !== undefined && page[0]?.[keyField] === from ? page.slice(1) : page;
    records.push(...fresh);
    if (page.length < pageSize) return { records, calls };
    from = page[page.length - 1]![keyField];
  }
}

describe('CRS620MI/LstSuppliers (§5.1)', () => {
  test('lists suppliers sorted by SUNO, without LMTS and STAT', async () => {
    const recs = await m3.records('CRS620MI', 'LstSuppliers', { maxrecs: '0' });
    expect(recs).toHaveLength(300);
    const sunos = recs.map((r) => r.SUNO!);
    expect([...sunos].sort()).toEqual(sunos);
    for (const r of recs) {
      expect(r).not.toHaveProperty('LMTS');
      expect(r).not.toHaveProperty('STAT');
    }
    expect(recs[0]).toMatchObject({ CONO: '100', SUNO: '10001', SUNM: 'Acme Components Ltd', CSCD: 'SE', CUCD: 'EUR', TEPY: '30D', PYME: 'BTR', TINO: 'SE556677889901', PRSU: '10001' });
  });

  test('FRSU and TOSU are inclusive', async () => {
    const recs = await m3.records('CRS620MI', 'LstSuppliers', { FRSU: '10010', TOSU: '10014' });
    expect(recs.map((r) => r.SUNO)).toEqual(['10010', '10011', '10012', '10013', '10014']);
  });

  test('a page from key K starts with K; paging never repeats K and ends on a short page (§7 item 11)', async () => {
    const page = await m3.records('CRS620MI', 'LstSuppliers', { FRSU: '10050', maxrecs: '3' });
    expect(page.map((r) => r.SUNO)).toEqual(['10050', '10051', '10052']);
    const { records, calls } = await pageAll('CRS620MI', 'LstSuppliers', 'SUNO', 'FRSU', {}, 40);
    expect(records).toHaveLength(300);
    expect(new Set(records.map((r) => r.SUNO)).size).toBe(300);
    expect(calls).toBe(8);
  });

  test('LMTS returns only suppliers changed strictly after it; a touched supplier reappears alone (§7 item 12)', async () => {
    const seeded = seed.suppliers!;
    const stamps = seeded.map((s) => s.LMTS!).sort();
    const median = stamps[150]!;
    const expected = seeded.filter((s) => s.LMTS! > median).length;
    expect(await m3.records('CRS620MI', 'LstSuppliers', { LMTS: median, maxrecs: '0' })).toHaveLength(expected);
    // The newest seeded stamp itself is excluded (strictly greater), and nothing is newer than "now − 5 min".
    expect(await m3.records('CRS620MI', 'LstSuppliers', { LMTS: stamps[stamps.length - 1]!, maxrecs: '0' })).toEqual([]);
    const watermark = lmtsOf(new Date(sim.server.clock.nowMs() - 5 * 60_000));
    expect(await m3.records('CRS620MI', 'LstSuppliers', { LMTS: watermark, maxrecs: '0' })).toEqual([]);

    const touched = sim.touch({ entity: 'supplier', key: { CONO: '100', SUNO: '10123' }, changes: { SUNM: 'Renamed Supplier AB' } });
    expect(touched.LMTS! > watermark).toBe(true);
    const changed = await m3.records('CRS620MI', 'LstSuppliers', { LMTS: watermark, maxrecs: '0' });
    expect(changed.map((r) => [r.SUNO, r.SUNM])).toEqual([['10123', 'Renamed Supplier AB']]);
    expect(await m3.records('CRS620MI', 'LstSuppliers', { LMTS: touched.LMTS! })).toEqual([]);
  });

  test('LMTS values handed out by touch increase strictly, even within one millisecond', () => {
    const a = sim.touch({ entity: 'supplier', key: { SUNO: '10001' }, changes: { PHNO: '1' } }).LMTS!;
    const b = sim.touch({ entity: 'supplier', key: { SUNO: '10002' }, changes: { PHNO: '2' } }).LMTS!;
    expect(a).toMatch(/^\d{17}$/);
    expect(b > a).toBe(true);
  });
});

describe('CRS620MI/GetBasicData (§5.2)', () => {
  test('returns the full supplier with STAT, and blocked suppliers as STAT 90', async () => {
    const [rec] = await m3.records('CRS620MI', 'GetBasicData', { SUNO: '10001' });
    expect(rec).toMatchObject({ SUNO: '10001', STAT: '20', SUTY: '0', TEPY: '30D', PYME: 'BTR', CUCD: 'EUR', TINO: 'SE556677889901', VRNO: 'SE556677889901' });
    expect(rec).toHaveProperty('CORG');
    const blocked = seed.suppliers!.find((s) => s.STAT === '90')!;
    expect((await m3.records('CRS620MI', 'GetBasicData', { SUNO: blocked.SUNO! }))[0]!.STAT).toBe('90');
  });
});

describe('PPS200MI (§5.4, §5.5)', () => {
  test('GetHead returns the head; its PUSL/PUST are the lowest/highest line status', async () => {
    const po = seed.purchaseOrders!.find((p) => new Set(p.lines!.map((l) => l.PUSL)).size > 1)!;
    const [head] = await m3.records('PPS200MI', 'GetHead', { PUNO: po.head.PUNO! });
    const statuses = po.lines!.map((l) => l.PUSL!).sort();
    expect(head).toMatchObject({
      CONO: '100', PUNO: po.head.PUNO, SUNO: po.head.SUNO, PUDT: po.head.PUDT, CUCD: po.head.CUCD, DIVI: 'AAA', NTAM: po.head.NTAM,
      PUSL: statuses[0], PUST: statuses[statuses.length - 1],
    });
    expect(head).not.toHaveProperty('LMTS');
  });

  test('LstLine returns the lines in PNLI order with the §5.5 fields', async () => {
    sim.seed({
      purchaseOrders: [{
        head: { PUNO: '4009999', SUNO: '10001', PUDT: '20240614', CUCD: 'EUR' },
        lines: [
          { PNLI: '100', ITNO: 'B', ORQA: '1', PUPR: '2.00', LNAM: '2.00', PUSL: '50', PUST: '50' },
          { PNLI: '20', ITNO: 'A', ORQA: '100', RVQA: '100', IVQA: '0', PUPR: '6.00', LNAM: '600.00', PUSL: '15', PUST: '15' },
        ],
      }],
    });
    const lines = await m3.records('PPS200MI', 'LstLine', { PUNO: '4009999' });
    expect(lines.map((l) => l.PNLI)).toEqual(['20', '100']);
    expect(Object.keys(lines[0]!)).toEqual(['PUNO', 'PNLI', 'PNLS', 'ITNO', 'PITD', 'ORQA', 'RVQA', 'IVQA', 'PUUN', 'PUPR', 'PPUN', 'PUCD', 'LNAM', 'PUSL', 'PUST', 'DWDT', 'VTCD']);
    expect(lines[0]).toMatchObject({ PUNO: '4009999', PNLS: '0', ORQA: '100', LNAM: '600.00' });
    const [head] = await m3.records('PPS200MI', 'GetHead', { PUNO: '4009999' });
    expect([head!.PUSL, head!.PUST]).toEqual(['15', '50']);
  });

  test('an unknown PO is "Purchase order N does not exist" for GetHead and LstLine', async () => {
    expect((await m3.error('PPS200MI', 'GetHead', { PUNO: '4000999' })).errorMessage).toBe('Purchase order 4000999 does not exist');
    expect((await m3.error('PPS200MI', 'LstLine', { PUNO: '4000999' })).errorMessage).toBe('Purchase order 4000999 does not exist');
  });

  test('touching a PO line bumps its LMTS and recomputes the line amount and order total', async () => {
    const po = seed.purchaseOrders![0]!;
    const line = po.lines![0]!;
    const touched = sim.touch({ entity: 'poLine', key: { PUNO: po.head.PUNO!, PNLI: line.PNLI! }, changes: { ORQA: '3', PUPR: '10.50' } });
    expect(touched.LNAM).toBe('31.50');
    const [head] = await m3.records('PPS200MI', 'GetHead', { PUNO: po.head.PUNO! });
    const others = po.lines!.slice(1).reduce((s, l) => s + Math.round(Number(l.LNAM) * 100), 0);
    expect(head!.NTAM).toBe(((others + 3150) / 100).toFixed(2));
  });
});

describe('CRS630MI/LstAccountID (§5.6)', () => {
  test('AITP 1 lists GL accounts and AITP 2 cost centres, with LMTS and LMDT', async () => {
    const accounts = await m3.records('CRS630MI', 'LstAccountID', { AITP: '1', DIVI: 'AAA', maxrecs: '0' });
    const centres = await m3.records('CRS630MI', 'LstAccountID', { AITP: '2', DIVI: 'AAA', maxrecs: '0' });
    expect(accounts.length).toBeGreaterThanOrEqual(55);
    expect(centres.length).toBeGreaterThanOrEqual(20);
    expect(accounts.find((a) => a.AITM === '6110')).toMatchObject({ CONO: '100', DIVI: 'AAA', AITP: '1', TX40: 'Office supplies', LCCD: '0', VTDT: '' });
    for (const a of [...accounts, ...centres]) {
      expect(a.LMTS).toMatch(/^\d{17}$/);
      expect(a.LMDT).toBe(a.LMTS!.slice(0, 8));
    }
    expect(accounts.some((a) => a.LCCD === '1')).toBe(true);
    expect(centres.every((c) => c.AITP === '2' && c.AITM!.startsWith('CC'))).toBe(true);
  });

  test('AITM is an inclusive start key; paging covers every account once (§6.1)', async () => {
    const page = await m3.records('CRS630MI', 'LstAccountID', { AITP: '1', AITM: '6110', maxrecs: '2' });
    expect(page[0]!.AITM).toBe('6110');
    const all = await m3.records('CRS630MI', 'LstAccountID', { AITP: '1', maxrecs: '0' });
    const { records } = await pageAll('CRS630MI', 'LstAccountID', 'AITM', 'AITM', { AITP: '1' }, 7);
    expect(records.map((r) => r.AITM)).toEqual(all.map((r) => r.AITM));
  });

  test('a blank DIVI lists the company-level chart; AITP outside 1..7 is an error', async () => {
    expect(await m3.records('CRS630MI', 'LstAccountID', { AITP: '1', DIVI: '' })).toEqual([]);
    sim.seed({ accountIds: [{ DIVI: '', AITP: '1', AITM: '9999', TX40: 'Company level' }] });
    expect((await m3.records('CRS630MI', 'LstAccountID', { AITP: '1', DIVI: '' })).map((a) => a.AITM)).toEqual(['9999']);
    expect((await m3.error('CRS630MI', 'LstAccountID', { AITP: '8' })).errorMessage).toBe('Accounting dimension 8 is invalid');
    expect((await m3.error('CRS630MI', 'LstAccountID', {})).errorMessage).toBe('AITP must be entered');
  });

  test('touching an account bumps LMTS and LMDT so the client’s LMTS filter sees it', async () => {
    const watermark = lmtsOf(new Date(sim.server.clock.nowMs() - 5 * 60_000));
    sim.touch({ entity: 'account', key: { DIVI: 'AAA', AITP: '2', AITM: 'CC310' }, changes: { TX40: 'Sales Germany', LCCD: '1' } });
    const changed = (await m3.records('CRS630MI', 'LstAccountID', { AITP: '2', maxrecs: '0' })).filter((a) => a.LMTS! > watermark);
    expect(changed).toEqual([expect.objectContaining({ AITM: 'CC310', TX40: 'Sales Germany', LCCD: '1', LMDT: changed[0]!.LMTS!.slice(0, 8) })]);
  });
});

describe('touch', () => {
  test('refuses unknown records, unknown fields and key fields', () => {
    expect(() => sim.touch({ entity: 'supplier', key: { SUNO: '99999' }, changes: { SUNM: 'x' } })).toThrow(/does not exist/);
    expect(() => sim.touch({ entity: 'supplier', key: { SUNO: '10001' }, changes: { XXXX: 'x' } })).toThrow(/unknown M3 field/);
    expect(() => sim.touch({ entity: 'supplier', key: { SUNO: '10001' }, changes: { SUNO: '1' } })).toThrow(/cannot be changed/);
    expect(() => sim.touch({ entity: 'purchaseOrder', key: { PUNO: '1' }, changes: {} })).toThrow(/does not exist/);
  });
});
