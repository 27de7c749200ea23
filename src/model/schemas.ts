/** The canonical schema of each mirror entity, for checking stored payloads before they are resent. */
import type { ZodType } from 'zod';
import { DimensionValue, GlAccount, PurchaseOrder, Supplier } from './master-data.js';
import type { MirrorEntity } from './entities.js';

export const MIRROR_SCHEMAS: Record<MirrorEntity, ZodType> = {
  suppliers: Supplier,
  purchaseOrders: PurchaseOrder,
  glAccounts: GlAccount,
  costCenters: DimensionValue,
};
