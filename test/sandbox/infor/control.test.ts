/** Control endpoints of apis/infor.md §9 and the default data set. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  defaultInforSeed,
  SEED_PAYMENT_METHODS,
  SEED_TEPY_CODES,
  startInforSimulator,
  type InforSimulator,
} from '../../../src/sandbox/infor/index.js';
import { lmtsOf } from '../../../src/sandbox/infor/m3-time.js';
import { control, M3Client } from './harness.js';

let sim: InforSimulator;
beforeAll(async () => {
  sim = await startInforSimulator({ tenant: 'GLOBEX_TST', config: { callsPerMinute: 500 } });
});
afterAll(async () => sim.close());

describe('startInforSimulator', () => {
  test('starts on loopback with the default data set, the tenant given and the start config', async () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.tenant).toBe('GLOBEX_TST');
    expect(sim.ionapi.ti).toBe('GLOBEX_TST');
    expect(sim.config().callsPerMinute).toBe(500);
    const m3 = new M3Client(sim);
    await m3.login();
    expect(await m3.records('CRS620MI', 'LstSuppliers', { maxrecs: '0' })).toHaveLength(300);
  });

  test('stats().records counts what M3 holds; supplier helpers for demos', () => {
    expect(sim.stats().records).toEqual({
      suppliers: 300, purchaseOrders: 120, poLines: defaultInforSeed(new Date()).purchaseOrders!.reduce((n, po) => n + po.lines!.length, 0),
      accounts: 60, costCenters: 25, invoiceBatches: 0, ledgerInvoices: 0,
    });
    const sunos = sim.listSupplierNumbers();
    expect(sunos).toHaveLength(300);
    expect(sunos.slice(0, 2)).toEqual(['10001', '10002']);
    expect(sim.supplierName('10001')).toBe('Acme Components Ltd');
    expect(sim.supplierName('99999')).toBeUndefined();
    expect(sim.listSupplierNumbers('200')).toEqual([]);
  });
});

describe('control endpoints', () => {
  test('POST /_sim/reset clears data, tokens, stats, clock and config; clients stay', async () => {
    const m3 = new M3Client(sim);
    await m3.login();
    sim.setConfig({ fail5xxNext: 3, callsPerMinute: 10 });
    sim.setClockOffset(500);
    const res = await control(sim, 'POST', '/_sim/reset');
    expect(res.status).toBe(200);
    expect(sim.config()).toMatchObject({ fail5xxNext: 0, callsPerMinute: 500 });
    expect(sim.server.clock.offsetSeconds).toBe(0);
    expect(sim.stats().tokenRequests).toBe(0);
    expect((await m3.call('CRS620MI', 'LstSuppliers')).status).toBe(401);
    await m3.login();
    expect(await m3.records('CRS620MI', 'LstSuppliers')).toEqual([]);
    await control(sim, 'POST', '/_sim/reset', { seed: 'default' });
    await m3.login();
    expect(await m3.records('CRS620MI', 'LstSuppliers', { maxrecs: '0' })).toHaveLength(300);
  });

  test('POST /_sim/m3/seed takes JSON with numbers, fills CONO and LMTS, and replaces by key', async () => {
    sim.reset();
    const m3 = new M3Client(sim);
    await m3.login();
    const seeded = await control(sim, 'POST', '/_sim/m3/seed', { suppliers: [{ SUNO: 20001, SUNM: 'Seeded Oy', TEPY: '30D' }] });
    expect(seeded.status).toBe(200);
    await control(sim, 'POST', '/_sim/m3/seed', { suppliers: [{ SUNO: '20001', SUNM: 'Seeded Oyj' }] });
    const recs = await m3.records('CRS620MI', 'LstSuppliers', { LMTS: lmtsOf(new Date(sim.server.clock.nowMs() - 60_000)) });
    expect(recs.map((r) => [r.CONO, r.SUNO, r.SUNM])).toEqual([['100', '20001', 'Seeded Oyj']]);
    const bad = await control(sim, 'POST', '/_sim/m3/seed', { suppliers: [{ SUNM: 'no key' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('SUNO');
    expect((await control(sim, 'POST', '/_sim/m3/seed', { vendors: [] })).status).toBe(400);
    expect((await control(sim, 'POST', '/_sim/m3/seed', 'not json')).status).toBe(400);
  });

  test('POST /_sim/m3/touch changes a record and returns it with a new LMTS', async () => {
    sim.reset({ seed: { suppliers: [{ SUNO: '10001', SUNM: 'Old', LMTS: '20240101000000000' }] } });
    const res = await control(sim, 'POST', '/_sim/m3/touch', { entity: 'supplier', key: { CONO: '100', SUNO: '10001' }, changes: { SUNM: 'Acme Components AB' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ SUNO: '10001', SUNM: 'Acme Components AB' });
    expect(res.body.LMTS > '20240101000000000').toBe(true);
    const missing = await control(sim, 'POST', '/_sim/m3/touch', { entity: 'supplier', key: { SUNO: '1' }, changes: {} });
    expect(missing.status).toBe(400);
    expect((await control(sim, 'POST', '/_sim/m3/touch', { entity: 'vendor', key: {}, changes: {} })).status).toBe(400);
  });

  test('PUT /_sim/clock shifts the clock that LMTS values come from', async () => {
    sim.reset({ seed: { suppliers: [{ SUNO: '10001' }] } });
    const res = await control(sim, 'PUT', '/_sim/clock', { offsetSeconds: 86_400 });
    expect(res.status).toBe(200);
    expect(res.body.offsetSeconds).toBe(86_400);
    const touched = sim.touch({ entity: 'supplier', key: { SUNO: '10001' }, changes: { SUNM: 'Tomorrow' } });
    expect(touched.LMTS!.slice(0, 8)).toBe(lmtsOf(new Date(Date.now() + 86_400_000)).slice(0, 8));
    expect((await control(sim, 'PUT', '/_sim/clock', { offsetSeconds: 'soon' })).status).toBe(400);
    expect((await control(sim, 'GET', '/_sim/clock')).body.offsetSeconds).toBe(86_400);
  });

  test('GET /_sim/stats counts calls by transaction and tokens by client', async () => {
    sim.reset({ seed: { suppliers: [{ SUNO: '10001' }] } });
    const m3 = new M3Client(sim);
    await m3.login();
    await m3.call('CRS620MI', 'GetBasicData', { SUNO: '10001' });
    await m3.call('CRS620MI', 'GetBasicData', { SUNO: '10002' });
    await m3.call('CRS620MI', 'LstSuppliers');
    const stats = (await control(sim, 'GET', '/_sim/stats')).body;
    expect(stats).toMatchObject({
      tokenRequests: 1,
      tokensIssued: { [sim.ionapi.ci]: 1 },
      gatewayCalls: 3,
      businessErrors: 1,
      callsByTransaction: { 'CRS620MI/GetBasicData': 2, 'CRS620MI/LstSuppliers': 1 },
    });
  });
});

describe('defaultInforSeed', () => {
  const now = new Date('2025-03-15T10:00:00.000Z');
  const seed = defaultInforSeed(now);
  const suppliers = seed.suppliers!;
  const orders = seed.purchaseOrders!;
  const accounts = seed.accountIds!;

  test('is deterministic for a given instant', () => {
    expect(defaultInforSeed(now)).toEqual(seed);
  });

  test('~300 suppliers with unique plausible names in several countries and currencies', () => {
    expect(suppliers).toHaveLength(300);
    expect(new Set(suppliers.map((s) => s.SUNO)).size).toBe(300);
    expect(new Set(suppliers.map((s) => s.SUNM)).size).toBe(300);
    expect(suppliers.every((s) => s.CONO === '100' && s.SUNM!.length <= 36 && /^\d{5}$/.test(s.SUNO!))).toBe(true);
    expect(new Set(suppliers.map((s) => s.CSCD)).size).toBeGreaterThanOrEqual(8);
    expect(new Set(suppliers.map((s) => s.CUCD)).size).toBeGreaterThanOrEqual(5);
    expect(suppliers.every((s) => SEED_TEPY_CODES.includes(s.TEPY!) && SEED_PAYMENT_METHODS.includes(s.PYME!))).toBe(true);
    expect(new Set(suppliers.map((s) => s.TEPY))).toEqual(new Set(SEED_TEPY_CODES));
    expect(suppliers.filter((s) => s.TINO !== '').length).toBeGreaterThan(250);
  });

  test('a few blocked suppliers and a few with another payee that is an active seeded supplier', () => {
    const blocked = suppliers.filter((s) => s.STAT === '90');
    expect(blocked.length).toBeGreaterThanOrEqual(3);
    expect(blocked.length).toBeLessThanOrEqual(15);
    const withPayee = suppliers.filter((s) => s.PRSU !== s.SUNO);
    expect(withPayee.length).toBeGreaterThanOrEqual(3);
    for (const s of withPayee) {
      const payee = suppliers.find((p) => p.SUNO === s.PRSU)!;
      expect(payee).toMatchObject({ STAT: '20', CUCD: s.CUCD, PRSU: payee.SUNO });
    }
  });

  test('~120 purchase orders of active seeded suppliers with 1–8 consistent lines', () => {
    expect(orders).toHaveLength(120);
    for (const { head, lines } of orders) {
      const supplier = suppliers.find((s) => s.SUNO === head.SUNO)!;
      expect(supplier.STAT).toBe('20');
      expect(head).toMatchObject({ CONO: '100', DIVI: 'AAA', CUCD: supplier.CUCD, TEPY: supplier.TEPY });
      expect(lines!.length).toBeGreaterThanOrEqual(1);
      expect(lines!.length).toBeLessThanOrEqual(8);
      let total = 0;
      for (const l of lines!) {
        expect(Math.round(Number(l.ORQA) * Number(l.PUPR) * 100)).toBe(Math.round(Number(l.LNAM) * 100));
        expect(Number(l.RVQA)).toBeLessThanOrEqual(Number(l.ORQA));
        expect(Number(l.IVQA)).toBeLessThanOrEqual(Number(l.RVQA));
        expect(l.DWDT! >= head.PUDT!).toBe(true);
        expect(l.LMTS! >= head.LMTS!).toBe(true);
        total += Math.round(Number(l.LNAM) * 100);
      }
      expect(head.NTAM).toBe((total / 100).toFixed(2));
    }
    const statuses = new Set(orders.flatMap((o) => o.lines!.map((l) => l.PUSL)));
    expect(statuses).toEqual(new Set(['15', '50', '85']));
  });

  test('~60 GL accounts (AITP 1, some inactive) and ~25 cost centres (AITP 2)', () => {
    const gl = accounts.filter((a) => a.AITP === '1');
    const cc = accounts.filter((a) => a.AITP === '2');
    expect(gl.length).toBe(60);
    expect(cc.length).toBe(25);
    const today = '20250315';
    const inactive = (a: Record<string, string>) => a.LCCD === '1' || (a.VTDT !== '' && a.VTDT! < today) || a.VFDT! > today;
    expect(gl.filter(inactive).length).toBeGreaterThanOrEqual(3);
    expect(gl.some((a) => a.LCCD === '1')).toBe(true);
    expect(gl.some((a) => a.VTDT !== '' && a.VTDT! < today)).toBe(true);
    expect(cc.filter(inactive).length).toBeGreaterThanOrEqual(1);
    expect(accounts.every((a) => a.CONO === '100' && a.DIVI === 'AAA')).toBe(true);
    expect(gl.map((a) => a.AITM)).toEqual(expect.arrayContaining(['2410', '2640', '6110']));
  });

  test('every LMTS is 17 digits, within the last 90 days and older than an hour', () => {
    const stamps = [
      ...suppliers.map((s) => s.LMTS!),
      ...orders.flatMap((o) => [o.head.LMTS!, ...o.lines!.map((l) => l.LMTS!)]),
      ...accounts.map((a) => a.LMTS!),
    ];
    const oldest = lmtsOf(new Date(now.getTime() - 90 * 86_400_000));
    const newest = lmtsOf(new Date(now.getTime() - 3_600_000));
    for (const s of stamps) {
      expect(s).toMatch(/^\d{17}$/);
      expect(s >= oldest && s <= newest, s).toBe(true);
    }
  });
});
