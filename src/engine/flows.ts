/**
 * The table of flows. A pair is an ERP connector, an AP connector and the flows both support, run in
 * this order: suppliers before purchase orders (an order's supplier must exist in Basware first).
 */
import { MIRROR_ENTITIES, type MirrorEntity } from '../model/entities.js';
import type { ApConnector, ErpConnector } from '../connectors/types.js';
import { ConfigError } from '../errors.js';

export type FlowKind = 'mirror';

export interface FlowDef {
  name: MirrorEntity;
  kind: FlowKind;
  /** What the flow moves, for people: "suppliers → Basware vendors". */
  describe: (erp: string, ap: string) => string;
}

const TARGET_NAMES: Record<MirrorEntity, string> = {
  suppliers: 'vendors',
  purchaseOrders: 'matching orders',
  glAccounts: 'accounts',
  costCenters: 'cost centers',
};

export const FLOWS: readonly FlowDef[] = MIRROR_ENTITIES.map((name) => ({
  name,
  kind: 'mirror' as const,
  describe: (erp: string, ap: string) => `${erp} ${name} → ${ap} ${TARGET_NAMES[name]}`,
}));

/**
 * The flows to run: those asked for (config `flows`, or `--flows`), each supported by both sides, in
 * dependency order. Asking for a flow a side cannot do is a usage error.
 */
export function selectFlows(erp: ErpConnector, ap: ApConnector, requested?: readonly string[]): FlowDef[] {
  const supported = FLOWS.filter((f) => erp.mirrorEntities.includes(f.name) && ap.mirrorTargets.includes(f.name));
  if (!requested || requested.length === 0) return supported;
  const unknown = requested.filter((r) => !FLOWS.some((f) => f.name === r));
  if (unknown.length > 0) {
    throw new ConfigError(
      `Unknown flow ${unknown.map((u) => `'${u}'`).join(', ')}; flows of this pair: ${supported.map((f) => f.name).join(', ')}`,
    );
  }
  const unsupported = requested.filter((r) => !supported.some((f) => f.name === r));
  if (unsupported.length > 0) {
    throw new ConfigError(
      `Flow ${unsupported.join(', ')} is not supported between ${erp.displayName} and ${ap.displayName}; flows of this pair: ${supported.map((f) => f.name).join(', ')}`,
    );
  }
  return supported.filter((f) => requested.includes(f.name));
}
