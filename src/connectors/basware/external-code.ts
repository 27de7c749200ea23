/**
 * Stable, ERP-derived externalCodes (apis/basware.md §3.1): `<prefix>_<company>_<ENTITY>_<erpKey>`
 * when it fits Basware's 36 characters, otherwise the UUID v5 of that string, so the same ERP record
 * always maps to the same Basware record, run after run and machine after machine.
 */

/** Entity tags inside an externalCode. Changing one would duplicate every record of that entity in Basware. */
export const EXTERNAL_CODE_ENTITY = {
  supplier: 'SUP',
  supplierAddress: 'ADR',
  order: 'PO',
  orderLine: 'POL',
  goodsReceipt: 'GR',
  account: 'ACC',
  costCenter: 'CC',
} as const;
export type ExternalCodeEntity = (typeof EXTERNAL_CODE_ENTITY)[keyof typeof EXTERNAL_CODE_ENTITY];

/** Basware's limit for every externalCode (§3.1). */
export const EXTERNAL_CODE_MAX = 36;

/** The UUID v5 namespace of mlsync externalCodes. Fixed forever: changing it re-keys every long code. */
export const MLSYNC_EXTERNAL_CODE_NAMESPACE = '8f3c2b1e-5d4a-4e6f-9b7c-0a1d2e3f4a5b';

export { uuidV5 } from '../../model/uuid.js';
import { uuidV5 } from '../../model/uuid.js';

export interface ExternalCodeScope {
  /** config.externalCodePrefix. */
  prefix: string;
  /** config.companyCode. */
  companyCode: string;
}

export function externalCode(scope: ExternalCodeScope, entity: ExternalCodeEntity, erpKey: string): string {
  const readable = `${scope.prefix}_${scope.companyCode}_${entity}_${erpKey}`;
  return readable.length <= EXTERNAL_CODE_MAX ? readable : uuidV5(readable, MLSYNC_EXTERNAL_CODE_NAMESPACE);
}

