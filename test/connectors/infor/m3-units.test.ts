import { describe, expect, it } from 'vitest';
import type { M3Transaction } from '../../../src/connectors/infor/descriptor.js';
import { fillTemplate, parseExportTemplate, readExport } from '../../../src/connectors/infor/exportmi.js';
import { pageByKey } from '../../../src/connectors/infor/key-paging.js';
import { encodeM3Value } from '../../../src/connectors/infor/m3-client.js';
import type { M3Client, M3Fields } from '../../../src/connectors/infor/m3-client.js';
import { compareLmts, formatLmts, m3Date, m3Decimal, trimRecord } from '../../../src/connectors/infor/m3-values.js';
import { isAccountActive, mapPurchaseOrder, mapSupplier } from '../../../src/connectors/infor/mapping.js';
import { m3Amount, m3DateFromIso } from '../../../src/connectors/infor/invoice-requests.js';
import { ConfigError } from '../../../src/errors.js';
import { collect } from './fake-gateway.js';

describe('key paging (§6.1)', () => {
  const keys = ['A', 'B', 'C', 'D', 'E', 'F', 'G'];
  function server(calls: Array<[string | undefined, number]>) {
    return async (from: string | undefined, maxrecs: number) => {
      calls.push([from, maxrecs]);
      const start = from === undefined ? 0 : keys.indexOf(from);
      return keys.slice(start, start + maxrecs).map((k) => ({ k }));
    };
  }

  it('drops the from-key record, continues from the last key and stops on a short page', async () => {
    const calls: Array<[string | undefined, number]> = [];
    const got = await collect(pageByKey({ pageSize: 3, keyOf: (r) => r.k, fetchPage: server(calls) }));
    expect(got.map((r) => r.k)).toEqual(keys);
    // A,B,C | C,D,E | E,F,G | G (short: 1 < 3, stop)
    expect(calls).toEqual([
      [undefined, 3],
      ['C', 3],
      ['E', 3],
      ['G', 3],
    ]);
  });

  it('terminates when a page size of 1 could never advance, by paging with at least 2', async () => {
    const calls: Array<[string | undefined, number]> = [];
    const got = await collect(pageByKey({ pageSize: 1, keyOf: (r) => r.k, fetchPage: server(calls) }));
    expect(got.map((r) => r.k)).toEqual(keys);
    expect(calls.every(([, n]) => n === 2)).toBe(true);
  });

  it('stops instead of looping when the server ignores the from-key', async () => {
    let n = 0;
    const got = await collect(
      pageByKey({
        pageSize: 2,
        keyOf: (r: { k: string }) => r.k,
        fetchPage: async () => {
          n++;
          return [{ k: 'A' }, { k: 'B' }];
        },
      }),
    );
    expect(got.map((r) => r.k)).toEqual(['A', 'B']);
    expect(n).toBe(2);
  });
});

describe('M3 values (§2)', () => {
  it('trims padded output and treats unset dates as absent', () => {
    const rec = trimRecord({ SUNM: 'Acme     ', N: 5, X: null });
    expect(rec).toEqual({ SUNM: 'Acme', N: '5', X: '' });
    expect(m3Date({ D: '00000000' }, 'D')).toBeUndefined();
    expect(m3Date({ D: '0' }, 'D')).toBeUndefined();
    expect(m3Date({ D: '20240229' }, 'D')).toBe('2024-02-29');
    expect(() => m3Date({ D: '20230229' }, 'D')).toThrow('D "20230229" is not a valid calendar date');
    expect(() => m3Date({ D: '2024-07-01' }, 'D')).toThrow('yyyyMMdd');
  });

  it('reads decimals with a point and refuses a comma', () => {
    expect(m3Decimal({ A: '-1250.50' }, 'A')).toBe(-1250.5);
    expect(() => m3Decimal({ A: '600,00' }, 'A')).toThrow('A "600,00" is not a number');
  });

  it('formats LMTS as 17 UTC digits and compares numerically', () => {
    expect(formatLmts(new Date('2024-07-01T11:55:00.123Z'))).toBe('20240701115500123');
    expect(compareLmts('20240701115500123', '020240701115500123')).toBe(0);
    expect(compareLmts('20240701115500124', '20240701115500123')).toBe(1);
  });

  it('percent-encodes quotes, spaces and comparison signs strictly', () => {
    expect(encodeM3Value("IAPUNO > '4000100' and X <= 5")).toBe('IAPUNO%20%3E%20%274000100%27%20and%20X%20%3C%3D%205');
    expect(encodeM3Value('A,B')).toBe('A,B');
    expect(encodeM3Value('ACME#1')).toBe('ACME%231');
  });
});

describe('account active rules (§5.6)', () => {
  const today = '20240701';
  it.each([
    [{ LCCD: '0', VFDT: '20200101', VTDT: '' }, true],
    [{ LCCD: '0', VFDT: '', VTDT: '' }, true],
    [{ LCCD: '0', VFDT: '20240701', VTDT: '20240701' }, true],
    [{ LCCD: '1', VFDT: '', VTDT: '' }, false],
    [{ LCCD: '0', VFDT: '20240702', VTDT: '' }, false],
    [{ LCCD: '0', VFDT: '', VTDT: '20240630' }, false],
    [{ LCCD: '0', VFDT: '00000000', VTDT: '0' }, true],
  ])('%o → active %s', (rec, active) => {
    expect(isAccountActive(rec, today)).toBe(active);
  });
});

describe('mapping M3 → canonical', () => {
  it('maps a supplier: blocked status, different payee, trimmed, GetBasicData wins', () => {
    const s = mapSupplier(
      { SUNO: '10009', SUNM: 'Old name', PRSU: '10001', CSCD: 'FI', CUCD: 'EUR' },
      { SUNO: '10009', SUNM: 'Baltic Paper Oy', STAT: '90', TEPY: '30D', PYME: 'BTR', TINO: 'FI123', CSCD: '', PRSU: '' },
    );
    expect(s).toEqual({
      code: '10009',
      name: 'Baltic Paper Oy',
      active: false,
      countryCode: 'FI',
      currency: 'EUR',
      paymentTerms: '30D',
      paymentMethod: 'BTR',
      taxId: 'FI123',
      payeeCode: '10001',
    });
  });

  it('omits the payee when it is the supplier itself and explains a missing name', () => {
    expect(mapSupplier({ SUNO: '1', SUNM: 'X', PRSU: '1' }, {}).payeeCode).toBeUndefined();
    expect(() => mapSupplier({ SUNO: '1', SUNM: '' }, {})).toThrow('name is missing (empty in M3)');
  });

  it('derives the unit price per order unit (PUPR per PUCD, or LNAM/ORQA when the price unit differs)', () => {
    const po = mapPurchaseOrder({ PUNO: '1', SUNO: 'S', CUCD: 'EUR', PUDT: '20240614' }, [
      { PNLI: '10', PNLS: '0', ORQA: '200', PUPR: '200.00', PUCD: '100', PUUN: 'PCS', PPUN: 'PCS', LNAM: '400.00' },
      { PNLI: '20', PNLS: '1', ORQA: '3', PUPR: '50.00', PUCD: '1', PUUN: 'PCS', PPUN: 'BOX', LNAM: '100.00' },
    ]);
    expect(po.lines[0]?.unitPrice).toBe(2);
    expect(po.lines[1]?.unitPrice).toBe(33.333333);
    expect(po.lines[1]?.subLine).toBe('1');
    expect(po.orderDate).toBe('2024-06-14');
  });

  it('names the line and field of a bad number', () => {
    expect(() =>
      mapPurchaseOrder({ PUNO: '1', SUNO: 'S', CUCD: 'EUR' }, [{ PNLI: '30', PNLS: '2', ORQA: '1,5', PUPR: '1', LNAM: '1' }]),
    ).toThrow('line 30/2: ORQA "1,5" is not a number');
  });
});

describe('EXPORTMI templates and windows (§5.3, §6.2)', () => {
  it('finds the columns, the keyset column and the LMTS column; refuses a template without them', () => {
    const t = parseExportTemplate("IAPUNO,IALMTS from MPHEAD where IALMTS > {wm} and IAPUNO > '{last}'", 'k');
    expect(t).toMatchObject({ columns: ['IAPUNO', 'IALMTS'], keysetColumn: 'IAPUNO', lmtsColumn: 'IALMTS' });
    expect(fillTemplate(t.template, { wm: '5', last: '' })).toBe("IAPUNO,IALMTS from MPHEAD where IALMTS > 5 and IAPUNO > ''");
    expect(() => parseExportTemplate('IAPUNO from MPHEAD where X > {wm}', 'erp.m3.exportQueries.poHeads')).toThrow(ConfigError);
    expect(() => parseExportTemplate('IAPUNO,IALMTS from MPHEAD', 'erp.m3.exportQueries.poHeads')).toThrow('no {wm}');
  });

  /** A tiny EXPORTMI over MPLINE rows that understands "> wm" and an optional "<= upper". */
  function exportmi(rows: Array<[string, string]>, queries: string[]): M3Client {
    return {
      url: () => '',
      async call(_tx: M3Transaction, fields: M3Fields, opts) {
        const q = fields.QERY as string;
        queries.push(q);
        const lower = BigInt(/IBLMTS > (\d+)/.exec(q)?.[1] ?? '0');
        const upperMatch = /IBLMTS <= (\d+)/.exec(q);
        const upper = upperMatch ? BigInt(upperMatch[1] as string) : undefined;
        const hit = rows.filter(([, l]) => BigInt(l) > lower && (upper === undefined || BigInt(l) <= upper));
        return hit.slice(0, opts.maxrecs).map(([p, l]) => ({ REPL: `${p};10;0;${l}` }));
      },
    };
  }

  it('splits a full answer at the LMTS midpoint until every window is short, reading each row once', async () => {
    const rows: Array<[string, string]> = [
      ['P1', '100'],
      ['P2', '200'],
      ['P3', '300'],
      ['P4', '400'],
      ['P5', '500'],
      ['P6', '600'],
    ];
    const queries: string[] = [];
    const template = parseExportTemplate('IBPUNO,IBPNLI,IBPNLS,IBLMTS from MPLINE where IBLMTS > {wm}', 'k');
    const got = await collect(readExport({ m3: exportmi(rows, queries), template, since: null, pageSize: 3, maxRows: 4 }));
    expect(got.map((r) => r.values.IBPUNO).sort()).toEqual(['P1', 'P2', 'P3', 'P4', 'P5', 'P6']);
    expect(queries).toEqual([
      'IBPUNO,IBPNLI,IBPNLS,IBLMTS from MPLINE where IBLMTS > 0',
      'IBPUNO,IBPNLI,IBPNLS,IBLMTS from MPLINE where IBLMTS > 0 and IBLMTS <= 250',
      // four rows above 250 fill the window again: split once more
      'IBPUNO,IBPNLI,IBPNLS,IBLMTS from MPLINE where IBLMTS > 250',
      'IBPUNO,IBPNLI,IBPNLS,IBLMTS from MPLINE where IBLMTS > 250 and IBLMTS <= 450',
      'IBPUNO,IBPNLI,IBPNLS,IBLMTS from MPLINE where IBLMTS > 450',
    ]);
  });

  it('says to raise exportMaxRows when a full window cannot be split', async () => {
    const rows: Array<[string, string]> = [
      ['P1', '100'],
      ['P2', '100'],
    ];
    const template = parseExportTemplate('IBPUNO,IBPNLI,IBPNLS,IBLMTS from MPLINE where IBLMTS > {wm}', 'k');
    await expect(collect(readExport({ m3: exportmi(rows, []), template, since: '5', pageSize: 3, maxRows: 2 }))).rejects.toThrow(
      'Raise erp.m3.exportMaxRows',
    );
  });
});

describe('invoice values sent to M3 (§2)', () => {
  it('writes amounts with "." and exactly two decimals, rounding half away from zero', () => {
    expect([0, 1250, 1.005, -1.005, 0.1 + 0.2, -0.004, 1234567.8, -80.1].map(m3Amount)).toEqual([
      '0.00',
      '1250.00',
      '1.01',
      '-1.01',
      '0.30',
      '0.00',
      '1234567.80',
      '-80.10',
    ]);
  });

  it('writes dates as yyyyMMdd', () => {
    expect(m3DateFromIso('2024-07-01')).toBe('20240701');
  });
});
