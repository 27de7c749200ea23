/**
 * Names shared by the engine, the ledger and the connectors. One place, so no two files must agree
 * on a string by hand.
 */

/** Master-data entities that mirror flows move from the ERP to the AP platform. */
export const MIRROR_ENTITIES = ['suppliers', 'purchaseOrders', 'glAccounts', 'costCenters'] as const;
export type MirrorEntity = (typeof MIRROR_ENTITIES)[number];

/** Document flows: invoices posted exactly once through the outbox, payments confirmed once each. */
export const DOCUMENT_FLOWS = ['invoices', 'payments'] as const;
export type DocumentFlow = (typeof DOCUMENT_FLOWS)[number];

/** States of a record in the ledger (design.md, "Posting exactly once"). */
export const RECORD_STATE = {
  /** Read from the source; nothing decided yet. */
  SEEN: 'seen',
  /** Mapped and valid; may be written. */
  READY: 'ready',
  /** Intent to write committed; the outcome of the write is not yet known. */
  POSTING: 'posting',
  /** Written and confirmed on the target. */
  POSTED: 'posted',
  /** Posted and the source told (acknowledged, transfer response sent). */
  CONFIRMED: 'confirmed',
  /** Mirrored master data, confirmed by the target (phase 2 for Basware). */
  SYNCED: 'synced',
  /** Waiting for a person or for a missing dependency; re-evaluated every run. */
  HELD: 'held',
  /** Definitely refused by the target; kept with the reason, replayable. */
  FAILED: 'failed',
} as const;
export type RecordState = (typeof RECORD_STATE)[keyof typeof RECORD_STATE];
