import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/exit-codes.js';
import { FLOWS, selectFlows } from '../../src/engine/flows.js';
import { FakeAp, FakeErp } from './fakes.js';
import { configError } from '../support/config-error.js';

const erp = new FakeErp({ mirrorEntities: ['glAccounts', 'purchaseOrders', 'suppliers'] });
const ap = new FakeAp({ mirrorTargets: ['costCenters', 'purchaseOrders', 'glAccounts', 'suppliers'] });


describe('selectFlows', () => {
  it('runs every flow both sides support, suppliers before purchase orders, when none are asked for', () => {
    expect(selectFlows(erp, ap).map((f) => f.name)).toEqual(['suppliers', 'purchaseOrders', 'glAccounts']);
    expect(selectFlows(erp, ap, []).map((f) => f.name)).toEqual(['suppliers', 'purchaseOrders', 'glAccounts']);
  });

  it('keeps dependency order whatever order the flows were asked in', () => {
    expect(selectFlows(erp, ap, ['glAccounts', 'purchaseOrders', 'suppliers']).map((f) => f.name)).toEqual([
      'suppliers',
      'purchaseOrders',
      'glAccounts',
    ]);
    expect(selectFlows(erp, ap, ['purchaseOrders']).map((f) => f.name)).toEqual(['purchaseOrders']);
  });

  it('refuses an unknown flow, naming it and the flows of the pair', () => {
    const err = configError(() => selectFlows(erp, ap, ['suppliers', 'vendors']));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.exitCode).toBe(EXIT.CONFIG);
    expect(err.message).toBe("Unknown flow 'vendors'; flows of this pair: suppliers, purchaseOrders, glAccounts");
  });

  it('refuses a flow one side cannot do, naming both systems', () => {
    const err = configError(() => selectFlows(erp, ap, ['costCenters']));
    expect(err.exitCode).toBe(EXIT.CONFIG);
    expect(err.message).toBe(
      'Flow costCenters is not supported between Fake ERP and Fake AP; flows of this pair: suppliers, purchaseOrders, glAccounts',
    );
  });

  it('describes each flow for people', () => {
    const byName = new Map(FLOWS.map((f) => [f.name, f]));
    expect(byName.get('suppliers')!.describe('Infor M3', 'Basware')).toBe('Infor M3 suppliers → Basware vendors');
    expect(byName.get('purchaseOrders')!.describe('Infor M3', 'Basware')).toBe('Infor M3 purchaseOrders → Basware matching orders');
    expect(byName.get('invoices')!.describe('Infor M3', 'Basware')).toBe('Basware approved invoices → Infor M3, exactly once');
    expect(FLOWS.map((f) => [f.name, f.kind])).toEqual([
      ['suppliers', 'mirror'],
      ['purchaseOrders', 'mirror'],
      ['glAccounts', 'mirror'],
      ['costCenters', 'mirror'],
      ['invoices', 'post'],
      ['payments', 'confirm'],
    ]);
  });
});
