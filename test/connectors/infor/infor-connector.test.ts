import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PurchaseOrder, Supplier } from '../../../src/model/master-data.js';
import type { GlAccount } from '../../../src/model/master-data.js';
import { ConfigError, QuotaExhaustedError } from '../../../src/errors.js';
import { M3BusinessError } from '../../../src/connectors/infor/m3-client.js';
import { createMemoryBlobStore } from '../../../src/auth/token-cache.js';
import { NOW, collect, fakeInfor, fixture, ionapi, keyPage, makeInfor } from './fake-gateway.js';
import type { M3Row } from './fake-gateway.js';

const ctx = { runStartedAt: NOW };
const suppliers = fixture<{ list: M3Row[]; basic: Record<string, M3Row> }>('suppliers.json');
const pos = fixture<{ heads: Record<string, M3Row>; lines: Record<string, M3Row[]> }>('purchase-orders.json');
const accounts = fixture<M3Row[]>('accounts.json');

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

function serveSuppliers(gw: ReturnType<typeof fakeInfor>) {
  gw.on('CRS620MI/LstSuppliers', (c) => ({
    records: keyPage(suppliers.list, 'SUNO', c.params.get('FRSU'), c.params.get('maxrecs')),
  }));
  gw.on('CRS620MI/GetBasicData', (c) => {
    const rec = suppliers.basic[c.params.get('SUNO') ?? ''];
    return rec ? { records: [rec] } : { error: `Supplier ${c.params.get('SUNO')} does not exist` };
  });
}

describe('Infor connector: token and transport', () => {
  it('asks for a password-grant token at pu+ot with Basic ci:cs and saak unchanged, once for many calls', async () => {
    const gw = fakeInfor();
    serveSuppliers(gw);
    const { connector } = makeInfor();
    await collect(connector.readMirror('suppliers', null, ctx).items);

    expect(gw.tokenRequests).toHaveLength(1);
    const [token] = gw.tokenRequests;
    expect(token?.authorization).toBe(`Basic ${Buffer.from(`${ionapi.ci}:${ionapi.cs}`).toString('base64')}`);
    expect(token?.body.get('grant_type')).toBe('password');
    expect(token?.raw).toContain('username=ACME_PRD%23Xy7Kp2QeLm9RtVb4');
    expect(token?.body.get('username')).toBe(ionapi.saak);
    expect(token?.body.get('password')).toBe(ionapi.sask);
    expect(gw.calls.every((c) => c.authorization === 'Bearer access-1')).toBe(true);
  });

  it('sends cono, righttrim=true and maxrecs on every call, as GETs to iu/ti/M3/m3api-rest/v2/execute', async () => {
    const gw = fakeInfor();
    serveSuppliers(gw);
    const { connector } = makeInfor();
    await collect(connector.readMirror('suppliers', null, ctx).items);
    expect(gw.calls.length).toBeGreaterThan(0);
    for (const c of gw.calls) {
      expect(c.uri.startsWith('/ACME_PRD/M3/m3api-rest/v2/execute/CRS620MI/')).toBe(true);
      expect(c.params.get('cono')).toBe('100');
      expect(c.params.get('righttrim')).toBe('true');
      expect(c.params.get('maxrecs')).toMatch(/^\d+$/);
    }
  });

  it('on a 401 refreshes the token once (refresh_token grant) and retries the call once', async () => {
    const gw = fakeInfor();
    let rejected = 0;
    gw.on('CRS620MI/LstSuppliers', (c) => {
      if (c.authorization === 'Bearer access-1') {
        rejected++;
        return { status: 401, body: { error: 'invalid_token', error_description: 'Access token expired' } };
      }
      return { records: [] };
    });
    const { connector } = makeInfor();
    const items = await collect(connector.readMirror('suppliers', null, ctx).items);
    expect(items).toEqual([]);
    expect(rejected).toBe(1);
    expect(gw.callsTo('CRS620MI/LstSuppliers').map((c) => c.authorization)).toEqual(['Bearer access-1', 'Bearer access-2']);
    expect(gw.tokenRequests.map((t) => t.body.get('grant_type'))).toEqual(['password', 'refresh_token']);
    expect(gw.tokenRequests[1]?.body.get('refresh_token')).toBe('refresh-1');
  });

  it('turns a 404 for an unknown program into a ConfigError naming program/transaction, without retrying', async () => {
    const gw = fakeInfor(); // no handlers: every transaction is "not found"
    const { connector } = makeInfor();
    const err = await collect(connector.readMirror('suppliers', null, ctx).items).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain('CRS620MI/LstSuppliers');
    expect((err as ConfigError).message).toContain('Program CRS620MI not found');
    expect(gw.calls).toHaveLength(1);
  });

  it('turns a 400 into a ConfigError', async () => {
    const gw = fakeInfor();
    gw.on('CRS620MI/LstSuppliers', () => ({ status: 400, body: { error: 'Bad Request', message: 'maxrecs is invalid' } }));
    const { connector } = makeInfor();
    await expect(collect(connector.readMirror('suppliers', null, ctx).items)).rejects.toThrow(/HTTP 400: maxrecs is invalid/);
  });

  it('reports a business error on a list call as an M3BusinessError carrying the M3 message', async () => {
    const gw = fakeInfor();
    gw.on('CRS620MI/LstSuppliers', () => ({ error: 'Not authorized for company 100' }));
    const { connector } = makeInfor();
    const err = await collect(connector.readMirror('suppliers', null, ctx).items).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(M3BusinessError);
    expect((err as M3BusinessError).m3Message).toBe('Not authorized for company 100');
    expect((err as M3BusinessError).code).toBe('BUSINESS_REJECTED');
  });

  it('stops the run with QuotaExhaustedError once erp.m3.maxCallsPerRun calls were made', async () => {
    const gw = fakeInfor();
    serveSuppliers(gw);
    const { connector } = makeInfor({ m3: { maxCallsPerRun: 3 } });
    const read = connector.readMirror('suppliers', null, ctx);
    const got: unknown[] = [];
    const err = await (async () => {
      for await (const item of read.items) got.push(item);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QuotaExhaustedError);
    expect((err as QuotaExhaustedError).message).toContain('erp.m3.maxCallsPerRun = 3');
    expect(gw.calls).toHaveLength(3);
    expect(got).toHaveLength(2);
    expect(read.nextWatermark()).toBeNull();
  });
});

describe('Infor connector: token cache and watermarks', () => {
  it('reuses the token of an earlier run from the encrypted cache, under a slot that does not show the client id', async () => {
    const gw = fakeInfor();
    serveSuppliers(gw);
    const store = createMemoryBlobStore();
    for (let run = 0; run < 2; run++) {
      const { connector } = makeInfor({}, { tokenStore: store });
      await collect(connector.readMirror('suppliers', null, ctx).items);
    }
    expect(gw.tokenRequests).toHaveLength(1);
    const keys = [...store.blobs.keys()];
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^infor:/);
    expect(keys[0]).not.toContain(ionapi.ci);
    expect(store.blobs.get(keys[0]!)?.toString('latin1')).not.toContain('access-1');
  });

  it('refuses a watermark that is not an M3 LMTS before any request', () => {
    const gw = fakeInfor();
    const { connector } = makeInfor();
    expect(() => connector.readMirror('glAccounts', '2024-06-01T00:00:00Z', ctx)).toThrow(ConfigError);
    expect(gw.calls).toHaveLength(0);
  });
});

describe('Infor connector: suppliers', () => {
  it('pages LstSuppliers by SUNO, reads GetBasicData per supplier, trims values and keeps bad ones as invalid items', async () => {
    const gw = fakeInfor();
    serveSuppliers(gw);
    const { connector } = makeInfor();
    const read = connector.readMirror('suppliers', null, ctx);
    const items = await collect(read.items);

    // pageSize 3: [10001 10007 10009] | from 10009: [10009 10012 10015] (10009 dropped) | from 10015: [10015] short → end
    expect(gw.callsTo('CRS620MI/LstSuppliers').map((c) => c.params.get('FRSU'))).toEqual([null, '10009', '10015']);
    expect(gw.callsTo('CRS620MI/LstSuppliers').every((c) => !c.params.has('LMTS'))).toBe(true);
    expect(items.map((i) => i.key)).toEqual(['10001', '10007', '10009', '10012', '10015']);

    const byKey = new Map(items.map((i) => [i.key, i]));
    expect(byKey.get('10001')?.record).toEqual<Supplier>({
      code: '10001',
      name: 'Acme Components Ltd',
      active: true,
      countryCode: 'SE',
      currency: 'EUR',
      paymentTerms: '30D',
      paymentMethod: 'BTR',
      taxId: 'SE556677889901',
      address: { street: 'Storgatan 1', city: 'Malmö', postalCode: '21122', countryCode: 'SE' },
    });
    expect(byKey.get('10009')?.record?.payeeCode).toBe('10001');
    expect(byKey.get('10015')?.record?.active).toBe(false);
    expect(byKey.get('10012')?.invalid).toBe('CRS620MI/GetBasicData for supplier 10012 failed: Supplier 10012 does not exist');
    expect(byKey.get('10012')?.record).toBeUndefined();
  });

  it('sends the watermark as LMTS and returns run start minus lagSeconds as the next one, only after the end', async () => {
    const gw = fakeInfor();
    serveSuppliers(gw);
    const { connector } = makeInfor({ m3: { lagSeconds: 300 } });
    const read = connector.readMirror('suppliers', '20240601000000000', ctx);
    expect(read.nextWatermark()).toBeNull();
    await collect(read.items);
    expect(gw.callsTo('CRS620MI/LstSuppliers').every((c) => c.params.get('LMTS') === '20240601000000000')).toBe(true);
    expect(read.nextWatermark()).toBe('20240701115500000');
  });
});

describe('Infor connector: purchase orders', () => {
  const HEAD_QERY =
    'QERY=IAPUNO,IALMTS%20from%20MPHEAD%20where%20IALMTS%20%3E%2020240601000000000%20and%20IAPUNO%20%3E%20%27%27&SEPC=%3B&HDRS=0';

  function servePos(gw: ReturnType<typeof fakeInfor>, lineRows: string[]) {
    gw.on('EXPORTMI/Select', (c) => {
      const q = c.params.get('QERY') ?? '';
      if (q.includes('from MPHEAD')) {
        return q.includes("IAPUNO > ''")
          ? { records: [{ REPL: '4000123;20240615093012123' }, { REPL: '4000131;20240616101500000' }] }
          : { records: [] };
      }
      return { records: lineRows.map((REPL) => ({ REPL })) };
    });
    gw.on('PPS200MI/GetHead', (c) => {
      const head = pos.heads[c.params.get('PUNO') ?? ''];
      return head ? { records: [head] } : { error: `Purchase order ${c.params.get('PUNO')} does not exist` };
    });
    gw.on('PPS200MI/LstLine', (c) => ({ records: pos.lines[c.params.get('PUNO') ?? ''] ?? [] }));
  }

  it('encodes the EXPORTMI query exactly, keyset-pages heads, adds line-only POs, and assembles each PO once', async () => {
    const gw = fakeInfor();
    servePos(gw, ['4000123;10;0;20240617000000000', '4000140;10;0;20240618000000000', '4000999;10;0;20240619000000000']);
    const { connector } = makeInfor({ m3: { pageSize: 2 } });
    const read = connector.readMirror('purchaseOrders', '20240601000000000', ctx);
    const items = await collect(read.items);

    const selects = gw.callsTo('EXPORTMI/Select');
    expect(selects[0]?.uri).toContain(HEAD_QERY);
    // The first heads page was full (2 of 2): the next one continues above the last PUNO.
    expect(selects[1]?.params.get('QERY')).toBe("IAPUNO,IALMTS from MPHEAD where IALMTS > 20240601000000000 and IAPUNO > '4000131'");
    expect(selects[2]?.params.get('QERY')).toBe('IBPUNO,IBPNLI,IBPNLS,IBLMTS from MPLINE where IBLMTS > 20240601000000000');
    expect(selects[2]?.params.get('maxrecs')).toBe('10000');

    expect(items.map((i) => i.key)).toEqual(['4000123', '4000131', '4000140', '4000999']);
    expect(gw.callsTo('PPS200MI/GetHead').map((c) => c.params.get('PUNO'))).toEqual(['4000123', '4000131', '4000140', '4000999']);

    const po = items[0]?.record as PurchaseOrder;
    expect(po).toEqual<PurchaseOrder>({
      number: '4000123',
      supplierCode: '10001',
      orderDate: '2024-06-14',
      currency: 'EUR',
      buyer: 'JSMITH',
      netTotal: 1000,
      lines: [
        {
          lineNumber: '10',
          subLine: '0',
          itemCode: 'BOLT-M8',
          description: 'Bolt M8x40',
          quantity: 100,
          unit: 'PCS',
          unitPrice: 6,
          netAmount: 600,
          receivedQuantity: 100,
          invoicedQuantity: 0,
          taxCode: '25',
          deliveryDate: '2024-06-20',
          status: '50',
        },
        {
          lineNumber: '20',
          subLine: '0',
          itemCode: 'NUT-M8',
          description: 'Nut M8',
          quantity: 200,
          unit: 'PCS',
          unitPrice: 2,
          netAmount: 400,
          receivedQuantity: 0,
          invoicedQuantity: 0,
          taxCode: '25',
          status: '15',
        },
      ],
    });
    expect(items[2]?.invalid).toBe('purchase order 4000140: line 10: ORQA "1,5" is not a number (M3 decimals use "." and no separators)');
    expect(items[3]?.invalid).toBe('purchase order 4000999: PPS200MI/GetHead failed: Purchase order 4000999 does not exist');
    expect(read.nextWatermark()).toBe('20240619000000000');
  });

  it('keeps the previous watermark when nothing changed', async () => {
    const gw = fakeInfor();
    gw.on('EXPORTMI/Select', () => ({ records: [] }));
    const { connector } = makeInfor();
    const read = connector.readMirror('purchaseOrders', '20240601000000000', ctx);
    expect(await collect(read.items)).toEqual([]);
    expect(read.nextWatermark()).toBe('20240601000000000');
  });
});

describe('Infor connector: GL accounts and cost centers', () => {
  function serveAccounts(gw: ReturnType<typeof fakeInfor>) {
    gw.on('CRS630MI/LstAccountID', (c) => ({
      records: keyPage(
        accounts.map((a) => ({ ...a, AITP: c.params.get('AITP') ?? '' })),
        'AITM',
        c.params.get('AITM'),
        c.params.get('maxrecs'),
      ),
    }));
  }

  it('reads every page, keeps LMTS after the watermark, applies the active rules and returns the max LMTS', async () => {
    const gw = fakeInfor();
    serveAccounts(gw);
    const { connector } = makeInfor();
    const read = connector.readMirror('glAccounts', '20240601000000000', ctx);
    const items = await collect(read.items);

    const calls = gw.callsTo('CRS630MI/LstAccountID');
    expect(calls.map((c) => [c.params.get('AITP'), c.params.get('DIVI'), c.params.get('AITM')])).toEqual([
      ['1', 'AAA', null],
      ['1', 'AAA', '6130'],
      ['1', 'AAA', '6150'],
    ]);
    // 6150 changed before the watermark: not read again.
    expect(items.map((i) => i.key)).toEqual(['6110', '6120', '6130', '6140', '6160']);
    const active = Object.fromEntries(items.filter((i) => i.record).map((i) => [i.key, (i.record as GlAccount).active]));
    expect(active).toEqual({ '6110': true, '6120': false, '6130': false, '6140': false });
    expect(items[0]?.record).toEqual({ code: '6110', name: 'Office supplies', active: true });
    expect(items[4]?.invalid).toBe('GL account 6160: VFDT "2024-01-01" is not a date in yyyyMMdd form');
    expect(read.nextWatermark()).toBe('20240614090000000');
  });

  it('reads cost centers from erp.m3.costCenterAitp as costCenter dimension values', async () => {
    const gw = fakeInfor();
    serveAccounts(gw);
    const { connector } = makeInfor({ m3: { costCenterAitp: 3 } });
    const items = await collect(connector.readMirror('costCenters', null, ctx).items);
    expect(gw.callsTo('CRS630MI/LstAccountID').every((c) => c.params.get('AITP') === '3')).toBe(true);
    expect(items[0]?.record).toEqual({ dimension: 'costCenter', code: '6110', name: 'Office supplies', active: true });
    expect(items).toHaveLength(6);
  });
});

describe('Infor connector: ping', () => {
  it('reports token expiry and one cheap read', async () => {
    const gw = fakeInfor();
    gw.on('CRS620MI/LstSuppliers', () => ({ records: [suppliers.list[0] as M3Row] }));
    const { connector } = makeInfor();
    const result = await connector.ping();
    expect(result).toMatchObject({ ok: true, system: 'infor', displayName: 'Infor CloudSuite' });
    expect(result.tokenExpiresAt?.toISOString()).toBe('2024-07-01T14:00:00.000Z');
    expect(result.endpoint).toBe(
      'https://mingle-ionapi.example.test/ACME_PRD/M3/m3api-rest/v2/execute/CRS620MI/LstSuppliers?cono=100&righttrim=true&maxrecs=1',
    );
    expect(gw.callsTo('CRS620MI/LstSuppliers')[0]?.params.get('maxrecs')).toBe('1');
  });

  it('reports a refused login as AUTH_FAILED instead of throwing, without secrets', async () => {
    const gw = fakeInfor();
    gw.onToken(() => [400, { error: 'invalid_grant', error_description: 'Invalid username or password' }]);
    const { connector } = makeInfor();
    const result = await connector.ping();
    expect(result.ok).toBe(false);
    expect(result.code).toBe('AUTH_FAILED');
    expect(result.message).toContain('Invalid username or password');
    expect(result.message).toContain('INFOR_IONAPI');
    for (const key of ['cs', 'sask', 'saak']) expect(result.message).not.toContain(ionapi[key]);
    expect(gw.calls).toHaveLength(0);
  });
});
