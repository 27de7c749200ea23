/**
 * The table of flows. A pair is an ERP connector, an AP connector and the flows both support, run in
 * this order: master data first (an invoice's supplier, accounts and cost centers must exist on the
 * AP side, and an order's supplier before the order), then invoices, then payments.
 */
import { MIRROR_ENTITIES, type MirrorEntity } from '../model/entities.js';
import type { ApConnector, ErpConnector } from '../connectors/types.js';
import { ConfigError } from '../errors.js';

/** mirror: master data ERP → AP. post: documents AP → ERP exactly once. confirm: status back to the AP side. */
export type FlowKind = 'mirror' | 'post' | 'confirm';
export type FlowName = MirrorEntity | 'invoices' | 'payments';

export interface FlowDef {
  name: FlowName;
  kind: FlowKind;
  /** What the flow moves, for people: "suppliers → Basware vendors". */
  describe: (erp: string, ap: string) => string;
  supported: (erp: ErpConnector, ap: ApConnector) => boolean;
}

const TARGET_NAMES: Record<MirrorEntity, string> = {
  suppliers: 'vendors',
  purchaseOrders: 'matching orders',
  glAccounts: 'accounts',
  costCenters: 'cost centers',
};

const postsInvoices = (erp: ErpConnector, ap: ApConnector) => Boolean(erp.invoices && ap.documents);

export const FLOWS: readonly FlowDef[] = [
  ...MIRROR_ENTITIES.map(
    (name): FlowDef => ({
      name,
      kind: 'mirror',
      describe: (erp, ap) => `${erp} ${name} → ${ap} ${TARGET_NAMES[name]}`,
      supported: (erp, ap) => erp.mirrorEntities.includes(name) && ap.mirrorTargets.includes(name),
    }),
  ),
  {
    name: 'invoices',
    kind: 'post',
    describe: (erp, ap) => `${ap} approved invoices → ${erp}, exactly once`,
    supported: postsInvoices,
  },
  {
    name: 'payments',
    kind: 'confirm',
    describe: (erp, ap) => `${erp} payments of posted invoices → ${ap} payment responses`,
    supported: postsInvoices,
  },
];

/**
 * The flows to run: those asked for (config `flows`, or `--flows`), each supported by both sides, in
 * dependency order. Asking for a flow a side cannot do is a usage error.
 */
export function selectFlows(erp: ErpConnector, ap: ApConnector, requested?: readonly string[]): FlowDef[] {
  const supported = FLOWS.filter((f) => f.supported(erp, ap));
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
