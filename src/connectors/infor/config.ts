/** The `erp:` section of a pair config when the ERP is Infor CloudSuite (M3 through ION API). */
import { z } from 'zod';
import { httpSettings } from '../../http/settings.js';

export const InforConfig = z.strictObject({
  system: z.literal('infor'),
  /** Path to the .ionapi file (relative to the config file), or its JSON content (a secret reference may hold the whole file). */
  ionapi: z.string().min(1),
  /** M3 company (CONO), sent as option `cono` on every call. */
  company: z.coerce.string().regex(/^\d{1,3}$/, 'expected a numeric M3 company (CONO) such as 100'),
  /** M3 division (DIVI), sent on finance transactions. */
  division: z.string().min(1).max(3),
  m3: z
    .strictObject({
      /** maxrecs per Lst call (apis/infor.md §6.1). */
      pageSize: z.coerce.number().int().min(1).max(10_000).default(500),
      /** LstSuppliers has no LMTS in its output: the next watermark is run start minus this (§6.2). */
      lagSeconds: z.coerce.number().int().nonnegative().default(300),
      /** Accounting dimension (AITP) of GL accounts. */
      accountAitp: z.coerce.number().int().min(1).max(7).default(1),
      /** Accounting dimension (AITP) that holds cost centers (MODELED, default 2). */
      costCenterAitp: z.coerce.number().int().min(1).max(7).default(2),
      /** Request budget per run (§8). */
      maxCallsPerRun: z.coerce.number().int().positive().default(20_000),
      /** EXPORTMI query templates; {wm} = watermark, {last} = last key of the previous page (MODELED, §5.3). */
      exportQueries: z
        .strictObject({
          poHeads: z.string().default("IAPUNO,IALMTS from MPHEAD where IALMTS > {wm} and IAPUNO > '{last}'"),
          poLines: z.string().default('IBPUNO,IBPNLI,IBPNLS,IBLMTS from MPLINE where IBLMTS > {wm}'),
        })
        .prefault({}),
      exportMaxRows: z.coerce.number().int().positive().default(10_000),
      // Invoice posting (apis/infor.md §6.3).
      /** Seconds between APS450MI/GetHead polls while a validated batch is being posted (§7 item 19). */
      validatePollSeconds: z.coerce.number().positive().default(2),
      /** How long to wait for a validated batch to reach status 90 before leaving it for the next attempt. */
      validateTimeoutSeconds: z.coerce.number().positive().default(60),
      /** Basware tax code → M3 VAT code (VTCD) on AddLine. An unlisted tax code sends no VTCD: M3 takes its default. */
      taxCodeMap: z.record(z.string(), z.coerce.string()).default({}),
      /** Basware payment-term code → M3 payment terms (TEPY) on AddHead; unlisted codes are sent as they are. */
      paymentTermMap: z.record(z.string(), z.coerce.string()).default({}),
      /** Other coding dimensions (canonical name → AIT number, e.g. project: 3) sent on AddLine; unlisted ones are not sent. */
      dimensionAits: z.record(z.string(), z.coerce.number().int().min(1).max(7)).default({}),
      /** Longest line text (CHGT) sent; a longer coding-row description is cut (MODELED field length). */
      lineTextMaxLength: z.coerce.number().int().min(1).max(60).default(40),
    })
    .superRefine((m3, ctx) => {
      // One AddLine field per dimension: two dimensions on the same AITn would overwrite each other (§5.9).
      const owner = new Map<number, string>([[m3.accountAitp, 'accountAitp']]);
      const claim = (aitp: number, key: string, path: Array<string>) => {
        const taken = owner.get(aitp);
        if (taken !== undefined) {
          ctx.addIssue({ code: 'custom', path, message: `AIT${aitp} is already used by ${taken}; give each dimension its own number` });
        } else owner.set(aitp, key);
      };
      claim(m3.costCenterAitp, 'costCenterAitp', ['costCenterAitp']);
      for (const [name, aitp] of Object.entries(m3.dimensionAits)) claim(aitp, `dimensionAits.${name}`, ['dimensionAits', name]);
    })
    .prefault({}),
  /** One call at a time per tenant, 3,000 a minute at peak; a daily-quota 429 (> 300 s) ends the run as partial (apis/infor.md §8). */
  http: httpSettings({ requestsPerMinute: 3000, concurrency: 1, maxRetryAfterSeconds: 300 }),
});
export type InforConfig = z.infer<typeof InforConfig>;

/** The .ionapi file (apis/infor.md §3). Unknown keys are ignored; saak/sask are needed for the password grant. */
export const IonApiFile = z.looseObject({
  ti: z.string().min(1),
  ci: z.string().min(1),
  cs: z.string().min(1),
  iu: z.url(),
  pu: z.url(),
  ot: z.string().min(1),
  or: z.string().optional(),
  saak: z.string().min(1, 'missing: this .ionapi file has no service account (saak/sask); create a Backend Service app with a service account'),
  sask: z.string().min(1),
});
export type IonApiFile = z.infer<typeof IonApiFile>;

export const INFOR_SECRET_KEYS = ['ionapi'] as const;
