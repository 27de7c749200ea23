/** The seed format of `POST /_sim/m3/seed` (apis/infor.md §9). Every value is a string, as in M3. */
import { z } from 'zod';
import type { M3Record } from '../envelope.js';

export type { M3Record };

export interface PurchaseOrderSeed {
  /** PPS200MI/GetHead fields + LMTS (CONO defaults to the simulator's default company). */
  head: M3Record;
  /** PPS200MI/LstLine fields + LMTS. */
  lines?: M3Record[];
}

/** A posted supplier invoice in the ledger: APS200MI/GetInvTotInfo fields + DIVI, and what the next flows read. */
export interface LedgerInvoiceSeed {
  [field: string]: string | M3Record[] | undefined;
  /** FGLEDG rows (AIT1..AIT7, ACAM, CUAM, VTCD, VTXT) of the voucher. */
  coding?: M3Record[];
  /** EXT130MI/LstInvPoRef rows (PUNO PNLI PNLS REPN IVQA). */
  poRefs?: M3Record[];
  /** APS200MI/GetInvImagePath PATH. */
  imagePath?: string;
}

/**
 * A supplier invoice batch as APS450MI shows it: GetHead fields (SUNO and IVDT required; the rest default as AddHead
 * would) and LstLines rows. `SUPA: '90'` seeds a batch that is already posted: it is booked in the ledger as
 * APS455MI/ValidByBatchNo books it, so APS200MI/GetInvTotInfo finds it too (do not seed that invoice again in
 * `ledgerInvoices`). Any other SUPA (default 10, entered) leaves the batch open.
 */
export interface InvoiceBatchSeed {
  head: M3Record;
  lines?: M3Record[];
}

export interface InforSeed {
  /** CRS620MI/GetBasicData fields + CONO, LMTS. */
  suppliers?: M3Record[];
  purchaseOrders?: PurchaseOrderSeed[];
  /** CRS630MI/LstAccountID records. */
  accountIds?: M3Record[];
  ledgerInvoices?: LedgerInvoiceSeed[];
  /** APS450MI supplier invoice batches (seeded after the other rows, so their suppliers exist). */
  batches?: InvoiceBatchSeed[];
}

// JSON seeds may carry numbers; M3 values are strings.
const Value = z.union([z.string(), z.number()]).transform(String);
const Record = z.record(z.string().regex(/^[A-Z0-9]{4}$/, 'expected a 4-character M3 field name'), Value);

export const InforSeedSchema = z.strictObject({
  suppliers: z.array(Record).optional(),
  purchaseOrders: z.array(z.strictObject({ head: Record, lines: z.array(Record).optional() })).optional(),
  accountIds: z.array(Record).optional(),
  ledgerInvoices: z
    .array(
      z
        .object({ coding: z.array(Record).optional(), poRefs: z.array(Record).optional(), imagePath: z.string().optional() })
        .catchall(Value),
    )
    .optional(),
  batches: z.array(z.strictObject({ head: Record, lines: z.array(Record).optional() })).optional(),
});

/** Validate a seed; throws an Error naming every problem. */
export function parseSeed(input: unknown): InforSeed {
  const result = InforSeedSchema.safeParse(input);
  if (!result.success) throw new Error(`invalid seed: ${z.prettifyError(result.error)}`);
  return result.data as InforSeed;
}
