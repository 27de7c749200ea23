/** The `ap:` section of a pair config when the AP platform is Basware. */
import { z } from 'zod';
import { httpSettings } from '../../http/settings.js';
import { BASWARE_REGIONS, checkBaswareHost } from './descriptor.js';

const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v))]);

export const BaswareConfig = z
  .strictObject({
    system: z.literal('basware'),
    baseUrl: z.url({ message: 'expected an http(s) URL such as https://api.basware.com' }).transform((u) => u.replace(/\/+$/, '')),
    /** Defaults to `${baseUrl}/v1/tokens`. */
    tokenUrl: z
      .union([z.url(), z.literal('')])
      .optional()
      .transform((u) => (u ? u : undefined)),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
    region: z.preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), z.enum(BASWARE_REGIONS)).default('EU'),
    allowCustomHost: bool.default(false),
    companyCode: z.string().min(1).max(32),
    /** organizationElementCode of matching orders; defaults to companyCode. */
    organizationElementCode: z.string().min(2).max(25).optional(),
    /** sourceSystem on orders and responses (≤36). */
    sourceSystem: z.string().min(1).max(36).default('INFOR-M3'),
    /** First part of every externalCode: `<prefix>_<company>_<entity>_<erpKey>` (apis/basware.md §3.1). */
    externalCodePrefix: z.string().min(1).max(12).default('M3'),
    /** ERP payment-term code → Basware paymentTermCode; unmapped codes are sent as they are. */
    paymentTermMap: z.record(z.string(), z.string()).default({}),
    /** Language of account and cost-center names; an en-US name is always sent too. */
    nameLanguage: z.string().default('en-US'),
    matchingMode: z.enum(['Standard', 'Blanket', 'Return', 'Service']).default('Standard'),
    /** isReceiptRequired on matching order lines: invoices wait for a goods receipt (3-way match). */
    receiptRequired: bool.default(true),
    /** isReceiptBasedMatching on matching order lines: match against individual goods receipts. */
    receiptBasedMatching: bool.default(false),
    /** schemeId under which the supplier's tax id is sent as a vendor identifier (a value configured in P2P). */
    taxIdSchemeId: z.string().min(1).max(32).default('VAT'),
    /** Client-side limits: 300 calls a minute, 4 in flight; Retry-After capped at 120 s (apis/basware.md §7). */
    http: httpSettings({ requestsPerMinute: 300, concurrency: 4, maxRetryAfterSeconds: 120 }),
    /** Send an X-BW-REQUEST-ID on each call, logged beside Basware's own request id (M10). */
    sendCorrelationHeader: bool.default(true),
    tokenRefreshSkewSeconds: z.coerce.number().int().nonnegative().default(120),
    requestStatus: z
      .strictObject({
        /** First poll of phase 2 after this long; doubles each time (§4.4: 2, 4, 8 … s). */
        initialDelayMs: z.coerce.number().int().nonnegative().default(2000),
        maxDelayMs: z.coerce.number().int().positive().default(30_000),
        /** Give up waiting for phase 2 after this long: the records are resent next run. */
        maxWaitSeconds: z.coerce.number().int().positive().default(300),
        /** A 404 for a fresh request id means "not yet visible" during this window. */
        notFoundGraceSeconds: z.coerce.number().int().nonnegative().default(60),
      })
      .prefault({}),
  })
  .superRefine((cfg, ctx) => {
    const check = checkBaswareHost(cfg.baseUrl, cfg.region, cfg.allowCustomHost);
    if (!check.ok) ctx.addIssue({ code: 'custom', path: ['baseUrl'], message: check.message });
    if (cfg.tokenUrl) {
      const t = checkBaswareHost(cfg.tokenUrl, cfg.region, cfg.allowCustomHost);
      if (!t.ok) ctx.addIssue({ code: 'custom', path: ['tokenUrl'], message: t.message });
    }
  });
export type BaswareConfig = z.infer<typeof BaswareConfig>;

/** Which config keys hold secrets (the redactor learns their values when the config loads). */
export const BASWARE_SECRET_KEYS = ['clientSecret'] as const;
