/**
 * The infor-basware sandbox: an Infor M3 simulator and a Basware simulator on loopback, wired so that
 * configs/infor-basware.yaml runs against them unchanged, through the environment variables of the
 * contract. `mlsync demo` and the end-to-end tests both start it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBaswareSimulator, type BaswareSimulator } from '../basware/index.js';
import {
  startInforSimulator,
  defaultInforSeed,
  INFOR_SEED_PAYMENT_TERMS,
  type ClientRegistration as InforClientRegistration,
  type InforSimulator,
} from '../infor/index.js';
import { defaultInvoiceSeed, missingAccountSeed, missingCostCenterSeed, type InvoiceExpectations } from './invoice-seed.js';

export type { InvoiceExpectations, M3InvoiceKey } from './invoice-seed.js';
export { INVOICE_SEED_COUNTS, MISSING_ACCOUNT, MISSING_COST_CENTER } from './invoice-seed.js';

export interface PairSandbox {
  infor: InforSimulator;
  basware: BaswareSimulator;
  /** Environment that points configs/infor-basware.yaml at the simulators. */
  env: Record<string, string>;
  /** Folder holding the sandbox's .ionapi file (removed by close). */
  dir: string;
  /** Which seeded invoices are which; set when started with `invoices: true`. */
  invoices?: InvoiceExpectations;
  close(): Promise<void>;
}

export interface PairSandboxOptions {
  /** 'none' starts M3 empty (tests seed their own data). */
  seed?: 'default' | 'none';
  /** Basware's phase-2 delay; the sandbox default keeps demos and tests quick. */
  baswareAsyncDelayMs?: number;
  /**
   * Seed approved invoices (default false): Basware holds them WaitingForTransfer, and M3 holds two of them as
   * already posted (see invoice-seed.ts). Needs the default M3 seed.
   */
  invoices?: boolean;
  /**
   * Credentials the simulators accept and the environment hands to mlsync, instead of the defaults (a fixed
   * Basware client, a random Infor app). For tests that look for these values where they must not be.
   */
  credentials?: SandboxCredentials;
}

export interface SandboxCredentials {
  basware?: { clientId?: string; clientSecret?: string };
  /** The Infor app and service account; `saak` must start with the tenant and '#' (ACME_PRD#…, apis/infor.md §3). */
  infor?: Omit<InforClientRegistration, 'ti'>;
}

export const SANDBOX_BASWARE_CLIENT = { client_id: 'mlsync-sandbox', client_secret: 'sandbox-basware-secret-7d41' } as const;
export const SANDBOX_COMPANY = { cono: '100', divi: 'AAA', basware: 'BW00' } as const;

export async function startInforBaswareSandbox(opts: PairSandboxOptions = {}): Promise<PairSandbox> {
  if (opts.invoices && opts.seed === 'none') {
    throw new Error("startInforBaswareSandbox: invoices: true needs the default M3 seed (the invoices are coded against it); drop seed: 'none'");
  }
  const now = new Date();
  const inforSeed = opts.seed === 'none' ? undefined : defaultInforSeed(now);
  const invoiceSeed = inforSeed && opts.invoices ? defaultInvoiceSeed(inforSeed, { now, companyCode: SANDBOX_COMPANY.basware }) : undefined;
  const infor = await startInforSimulator({ seed: inforSeed ?? 'none' });
  const basware = await startBaswareSimulator({
    config: {
      asyncDelayMs: opts.baswareAsyncDelayMs ?? 150,
      companies: [SANDBOX_COMPANY.basware],
      paymentTerms: [...INFOR_SEED_PAYMENT_TERMS],
    },
  });
  const baswareClient = {
    client_id: opts.credentials?.basware?.clientId ?? SANDBOX_BASWARE_CLIENT.client_id,
    client_secret: opts.credentials?.basware?.clientSecret ?? SANDBOX_BASWARE_CLIENT.client_secret,
  };
  let ionapi = infor.ionapi;
  try {
    basware.registerClient(baswareClient);
    if (opts.credentials?.infor) ionapi = infor.registerClient(opts.credentials.infor);
    if (invoiceSeed) {
      infor.seed(invoiceSeed.alreadyPostedInM3);
      basware.addAccountingDocuments(invoiceSeed.documents);
    }
  } catch (err) {
    await Promise.all([infor.close(), basware.close()]);
    throw err;
  }
  const dir = mkdtempSync(join(tmpdir(), 'mlsync-sandbox-'));
  const ionapiFile = join(dir, 'sandbox.ionapi');
  writeFileSync(ionapiFile, JSON.stringify(ionapi, null, 2), { mode: 0o600 });
  const env: Record<string, string> = {
    INFOR_IONAPI: ionapiFile,
    INFOR_COMPANY: SANDBOX_COMPANY.cono,
    INFOR_DIVISION: SANDBOX_COMPANY.divi,
    BASWARE_BASE_URL: basware.url,
    BASWARE_TOKEN_URL: `${basware.url}/v1/tokens`,
    BASWARE_CLIENT_ID: baswareClient.client_id,
    BASWARE_CLIENT_SECRET: baswareClient.client_secret,
    BASWARE_REGION: 'EU',
    BASWARE_COMPANY_CODE: SANDBOX_COMPANY.basware,
    // Phase 2 finishes in ~150 ms here, so poll sooner than the 2 s a real tenant needs.
    BASWARE_STATUS_POLL_MS: '200',
  };
  return {
    infor,
    basware,
    env,
    dir,
    ...(invoiceSeed ? { invoices: invoiceSeed.expectations } : {}),
    async close() {
      await Promise.all([infor.close(), basware.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** How far Basware's import log goes now; pass it to `vendorsReceivedSince` later. */
export function importMark(basware: BaswareSimulator): number {
  return basware.store.requestStatuses.size;
}

/**
 * Vendor codes Basware received in the import requests made after `mark`, identical re-imports included
 * (what was sent, not only what changed).
 */
export function vendorsReceivedSince(basware: BaswareSimulator, mark: number): string[] {
  const codes: string[] = [];
  const requests = [...basware.store.requestStatuses.values()].slice(mark);
  for (const r of requests) {
    if (r.entityType !== 'Vendor') continue;
    for (const item of r.systems.flatMap((s) => s.items)) {
      const vendor = item.externalCode ? basware.store.vendors.get(item.externalCode) : undefined;
      codes.push(String(vendor?.vendorCode ?? item.externalCode));
    }
  }
  return codes;
}

/** Import requests (any entity) Basware received after `mark`. */
export function importsSince(basware: BaswareSimulator, mark: number): number {
  return basware.store.requestStatuses.size - mark;
}

/** Which seeded invoices are ordinary, unmapped or already posted; throws when the sandbox has no invoices. */
export function invoiceExpectations(sandbox: PairSandbox): InvoiceExpectations {
  if (!sandbox.invoices) throw new Error('this sandbox was started without invoices; pass { invoices: true } to startInforBaswareSandbox');
  return sandbox.invoices;
}

/**
 * Add the account the unmapped-account invoices use (6999) to M3 as an active GL account, with a fresh LMTS, so
 * the next accounts mirror sends it to Basware and those invoices can post.
 */
export function addMissingAccount(sandbox: PairSandbox): void {
  sandbox.infor.seed(missingAccountSeed());
}

/** Add the cost centre of the unmapped-cost-centre invoice (CC999) to M3 as an active cost centre, with a fresh LMTS. */
export function addMissingCostCenter(sandbox: PairSandbox): void {
  sandbox.infor.seed(missingCostCenterSeed());
}
