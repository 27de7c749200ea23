/** The whole pair config: one ERP section, one AP section, the flows and run settings. */
import { z } from 'zod';
import { BaswareConfig } from '../connectors/basware/config.js';
import { InforConfig } from '../connectors/infor/config.js';
import { MIRROR_ENTITIES } from '../model/entities.js';

export const FLOW_NAMES = [...MIRROR_ENTITIES, 'invoices', 'payments'] as const;

export const PairConfig = z.strictObject({
  /** Config format version. */
  version: z.literal(1).default(1),
  /** Defaults to the file name without .yaml. */
  pair: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected lower-case letters, digits and dashes').optional(),
  erp: z.discriminatedUnion('system', [InforConfig]),
  ap: z.discriminatedUnion('system', [BaswareConfig]),
  /** Flows to run, in this order; default: every flow the two systems support, masters first. */
  flows: z.array(z.enum(FLOW_NAMES)).optional(),
  /** Posting approved invoices (flow `invoices`) and confirming payments (flow `payments`). */
  invoices: z
    .strictObject({
      /**
       * When the ERP definitely refuses an invoice, also send Basware a failed transfer response with the
       * ERP's message, so AP staff see the reason in Basware. Off by default: the document then stays
       * waiting in Basware and the reason is in `mlsync status`.
       */
      sendFailureResponse: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).default(false),
    })
    .prefault({}),
  run: z
    .strictObject({
      /** A lock whose heartbeat is older than this is taken over. */
      lockStaleSeconds: z.coerce.number().int().min(10).default(120),
      heartbeatSeconds: z.coerce.number().int().min(1).default(15),
    })
    .prefault({}),
});
export type PairConfig = z.infer<typeof PairConfig>;
