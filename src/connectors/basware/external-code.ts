/**
 * Stable, ERP-derived externalCodes (apis/basware.md §3.1): `<prefix>_<company>_<ENTITY>_<erpKey>`
 * when it fits Basware's 36 characters, otherwise the UUID v5 of that string, so the same ERP record
 * always maps to the same Basware record, run after run and machine after machine.
 */
import { createHash } from 'node:crypto';

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

function uuidBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`not a UUID: ${uuid}`);
  return Buffer.from(hex, 'hex');
}

/** RFC 4122 §4.3 name-based UUID, SHA-1 (version 5). */
export function uuidV5(name: string, namespace: string): string {
  const hash = createHash('sha1').update(uuidBytes(namespace)).update(Buffer.from(name, 'utf8')).digest();
  const b = hash.subarray(0, 16);
  b[6] = ((b[6] as number) & 0x0f) | 0x50;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

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
