import { describe, expect, it } from 'vitest';
import { BaswareConfig } from '../../../src/connectors/basware/config.js';
import { createBaswareConnector } from '../../../src/connectors/basware/connector.js';
import { EXTERNAL_CODE_MAX, externalCode, uuidV5 } from '../../../src/connectors/basware/external-code.js';
import { chunkRecords, dedupeByExternalCode } from '../../../src/connectors/basware/import.js';
import {
  ACCOUNT_RULES,
  COST_CENTER_RULES,
  ORDER_LINE_RULES,
  ORDER_RULES,
  VENDOR_RULES,
} from '../../../src/connectors/basware/limits.js';
import type { FieldRule } from '../../../src/connectors/basware/limits.js';
import { mapAccount, mapCostCenter, mapMatchingOrder, mapVendor } from '../../../src/connectors/basware/mapping.js';
import type { DimensionValue, GlAccount, PurchaseOrder, Supplier } from '../../../src/model/master-data.js';
import { Redactor } from '../../../src/secrets/redactor.js';
import { BASE, baswareConfig } from './fake-basware.js';
import { schemaAt, validate } from './openapi-check.js';
import cases from './fixtures/mapping.json' with { type: 'json' };

interface MappingCase {
  name: string;
  entity: 'suppliers' | 'glAccounts' | 'costCenters' | 'purchaseOrders';
  schema: string;
  lineSchema?: string;
  config?: Record<string, unknown>;
  input: unknown;
  expected: unknown;
}

function configFor(c: MappingCase) {
  return baswareConfig({ paymentTermMap: { '30D': 'Net30' }, ...c.config });
}

function map(c: MappingCase): unknown {
  const cfg = configFor(c);
  switch (c.entity) {
    case 'suppliers':
      return mapVendor(cfg, c.input as Supplier);
    case 'glAccounts':
      return mapAccount(cfg, c.input as GlAccount);
    case 'costCenters':
      return mapCostCenter(cfg, c.input as DimensionValue);
    case 'purchaseOrders':
      return mapMatchingOrder(cfg, c.input as PurchaseOrder);
  }
}

describe('canonical → Basware mapping fixtures', () => {
  it.each((cases as MappingCase[]).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const out = map(c);
    expect(out).toEqual(c.expected);
    if (c.entity === 'purchaseOrders') {
      const { order, lines } = out as { order: unknown; lines: unknown[] };
      expect(validate(c.schema, order)).toEqual([]);
      for (const line of lines) expect(validate(c.lineSchema as string, line)).toEqual([]);
    } else {
      expect(validate(c.schema, out)).toEqual([]);
    }
  });

  it('the schema check itself catches an unknown property and a missing required field', () => {
    expect(validate('VendorEntity', { externalCode: 'x', vendorCode: 'v', companies: [], colour: 'red' })).toEqual([
      'VendorEntity.name: required',
      'VendorEntity.colour: not in the schema',
    ]);
  });
});

describe('field limits match the OpenAPI schema', () => {
  const tables: Array<[string, readonly FieldRule[]]> = [
    ['VendorEntity', VENDOR_RULES],
    ['AccountEntity', ACCOUNT_RULES],
    ['CostCenterEntity', COST_CENTER_RULES],
    ['OrderEntity', ORDER_RULES],
    ['OrderLineEntity', ORDER_LINE_RULES],
  ];
  for (const [schema, rules] of tables) {
    it(`${schema}: every rule's path exists and its lengths are Basware's`, () => {
      for (const rule of rules) {
        const s = schemaAt(schema, rule.path);
        expect(s, `${schema}.${rule.path}`).toBeDefined();
        if (rule.max !== undefined || s?.maxLength !== undefined) expect([rule.path, rule.max]).toEqual([rule.path, s?.maxLength]);
        if (s?.minLength !== undefined && s.minLength > 0) expect([rule.path, rule.min]).toEqual([rule.path, s.minLength]);
      }
    });
  }
});

describe('externalCode', () => {
  const scope = { prefix: 'M3', companyCode: 'BW00' };
  it('is the readable <prefix>_<company>_<ENTITY>_<key> up to 36 characters', () => {
    expect(externalCode(scope, 'SUP', '10001')).toBe('M3_BW00_SUP_10001');
    const exactly36 = 'K'.repeat(36 - 'M3_BW00_SUP_'.length);
    expect(externalCode(scope, 'SUP', exactly36)).toHaveLength(36);
  });

  it('becomes a deterministic UUID v5 of that string beyond 36 characters', () => {
    const key = 'K'.repeat(25);
    const code = externalCode(scope, 'POL', key);
    expect(code).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(code).toHaveLength(EXTERNAL_CODE_MAX);
    expect(externalCode(scope, 'POL', key)).toBe(code);
    expect(externalCode(scope, 'PO', key)).not.toBe(code);
    expect(externalCode({ ...scope, companyCode: 'BW01' }, 'POL', key)).not.toBe(code);
  });

  it('implements RFC 4122 version 5 (reference vector)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });
});

describe('checkMirror and batch sizes', () => {
  const connector = createBaswareConnector(baswareConfig(), { redactor: new Redactor(), configDir: '.' });

  it('passes a good record and names the field, its length and the limit of a bad one', () => {
    expect(connector.checkMirror('suppliers', { key: '1', record: { code: '1', name: 'Fine', active: true } })).toBeUndefined();
    expect(connector.checkMirror('suppliers', { key: '1', record: { code: '1', name: 'N'.repeat(263), active: true } })).toBe(
      'vendor name is 263 characters; Basware allows 250',
    );
    expect(connector.checkMirror('suppliers', { key: '1', record: { code: 'C'.repeat(26), name: 'x', active: true } })).toBe(
      'vendor code is 26 characters; Basware allows 25',
    );
    expect(connector.checkMirror('glAccounts', { key: '9', record: { code: '9', name: 'X', active: true } })).toBe(
      'account name "X" is 1 character; Basware needs at least 2',
    );
    expect(
      connector.checkMirror('costCenters', { key: 'P1', record: { dimension: 'project', code: 'P1', name: 'Proj', active: true } }),
    ).toContain('not a cost center');
  });

  it('names the PO line that breaks a limit', () => {
    const po: PurchaseOrder = {
      number: '4000123',
      supplierCode: '10001',
      currency: 'EUR',
      lines: [
        { lineNumber: '10', quantity: 1, unitPrice: 1, netAmount: 1 },
        { lineNumber: '20', quantity: 1, unitPrice: 1, netAmount: 1, description: 'd'.repeat(1001) },
      ],
    };
    expect(connector.checkMirror('purchaseOrders', { key: '4000123', record: po })).toBe(
      'line 20: description is 1001 characters; Basware allows 1000',
    );
  });

  it('batches 200 suppliers, 500 accounts, 500 cost centers and 500 purchase orders', () => {
    expect(connector.batchSize('suppliers')).toBe(200);
    expect(connector.batchSize('glAccounts')).toBe(500);
    expect(connector.batchSize('costCenters')).toBe(500);
    expect(connector.batchSize('purchaseOrders')).toBe(500);
  });

  it('chunks by record count and by body bytes; dedupes by externalCode keeping the last', () => {
    const recs = Array.from({ length: 5 }, (_, i) => ({ externalCode: `c${i}`, pad: 'x'.repeat(100) }));
    expect(chunkRecords(recs, 2, 10_000).map((c) => c.length)).toEqual([2, 2, 1]);
    const oneSize = JSON.stringify(recs[0]).length;
    expect(chunkRecords(recs, 100, 2 + oneSize * 2 + 1).map((c) => c.length)).toEqual([2, 2, 1]);
    for (const chunk of chunkRecords(recs, 100, 2 + oneSize * 2 + 1)) {
      expect(Buffer.byteLength(JSON.stringify(chunk))).toBeLessThanOrEqual(2 + oneSize * 2 + 1);
    }
    expect(dedupeByExternalCode([{ externalCode: 'a', v: 1 }, { externalCode: 'b', v: 1 }, { externalCode: 'a', v: 2 }])).toEqual([
      { externalCode: 'b', v: 1 },
      { externalCode: 'a', v: 2 },
    ]);
  });
});

describe('region check (config)', () => {
  const base = { system: 'basware', clientId: 'c', clientSecret: 's', companyCode: 'BW00' };
  it("refuses another region's host and says which variable to change", () => {
    const r = BaswareConfig.safeParse({ ...base, baseUrl: 'https://api.us.basware.com', region: 'EU' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toContain('BASWARE_REGION=US');
  });
  it('accepts loopback and the own region', () => {
    expect(BaswareConfig.safeParse({ ...base, baseUrl: 'http://127.0.0.1:8701', region: 'EU' }).success).toBe(true);
    expect(BaswareConfig.safeParse({ ...base, baseUrl: BASE }).success).toBe(true);
  });
});
