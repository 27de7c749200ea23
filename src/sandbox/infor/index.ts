/**
 * In-process simulator of Infor CloudSuite M3 behind the ION API gateway, written from apis/infor.md (and
 * importing nothing from src/connectors). Tests and `mlsync demo` start it on loopback:
 *
 *   const sim = await startInforSimulator();
 *   // write sim.ionapi to a file, point INFOR_IONAPI at it, run the client, then:
 *   sim.stats().callsByTransaction['CRS620MI/LstSuppliers'];
 *   await sim.close();
 */
import { type Handler, SimServer } from '../kit/server.js';
import { AuthService, type ClientRegistration, type IonApiJson, REVOKE_PATH, TOKEN_PATH } from './auth.js';
import { defaultConfig, type InforSimConfig, parseConfigPatch } from './config.js';
import { type ControlTarget, type PayInvoiceRequest, registerControlRoutes, type ResetSeed } from './control.js';
import { isDecimal } from './amounts.js';
import { type M3Record, notFound } from './envelope.js';
import { faultHook } from './faults.js';
import { Gateway, GATEWAY_ROUTE } from './gateway.js';
import { applyPayment } from './invoice-posting.js';
import { isValidYmd, LmtsSource, ymd } from './m3-time.js';
import { defaultInforSeed } from './seed/default-seed.js';
import { Prng } from './seed/prng.js';
import { type InforSeed, parseSeed } from './seed/types.js';
import { emptyStats, type InforSimStats, type RecordCounts, type SimCounters } from './stats.js';
import { M3Store, type TouchRequest } from './store.js';
import { TRANSACTIONS } from './transactions/index.js';

export type { ClientRegistration, IonApiJson } from './auth.js';
export { DEFAULT_INFOR_SIM_CONFIG, type InforSimConfig, type RateLimitNext } from './config.js';
export type { PayInvoiceRequest, ResetSeed } from './control.js';
export type { M3Record } from './envelope.js';
export { SEED_PAYMENT_METHODS, SEED_PAYMENT_TERMS, SEED_TEPY_CODES, type PaymentTerm } from './seed/catalog.js';
/** TEPY codes of the default seed, to configure Basware's simulator with (same list as SEED_TEPY_CODES). */
export { SEED_TEPY_CODES as INFOR_SEED_PAYMENT_TERMS } from './seed/catalog.js';
export {
  defaultInforSeed,
  SEED_COMPANY,
  SEED_DIVISION,
  SEED_PURCHASE_ORDER_COUNT,
  SEED_SUPPLIER_COUNT,
} from './seed/default-seed.js';
export type { InforSeed, InvoiceBatchSeed, LedgerInvoiceSeed, PurchaseOrderSeed } from './seed/types.js';
export type { InforSimStats, RecordCounts } from './stats.js';
export type { TouchEntity, TouchRequest } from './store.js';

export const DEFAULT_TENANT = 'ACME_PRD';
/** Seed of the `fail5xxRate` dice, so a faulty run repeats exactly. */
const FAULT_DICE_SEED = 25;

export interface InforSimOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Tenant `ti`, default ACME_PRD. */
  tenant?: string;
  /** Data at start: the default data set (default), none, or your own. */
  seed?: 'default' | 'none' | InforSeed;
  /** Config at start; reset() returns to it. */
  config?: Partial<InforSimConfig>;
}

export interface InforSimulator {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly tenant: string;
  /** The HTTP server; its request log is `server.log`, its clock `server.clock`. */
  readonly server: SimServer;
  /** A client + service account registered at start; its `iu`/`pu` point at this simulator. */
  readonly ionapi: IonApiJson;
  /** Register an app + service account (`POST /_sim/clients`); returns its .ionapi JSON. */
  registerClient(c: ClientRegistration): IonApiJson;
  /** Current config (a copy). */
  config(): InforSimConfig;
  /** Same keys as `PUT /_sim/config`; throws on an unknown key or a bad value. */
  setConfig(partial: Partial<InforSimConfig>): void;
  /** Add or replace rows (`POST /_sim/m3/seed`). */
  seed(data: InforSeed): void;
  /** Change a record as an M3 user and bump its LMTS (`POST /_sim/m3/touch`); returns the changed record. */
  touch(t: TouchRequest): M3Record;
  /** Pay a ledger invoice in M3 (`POST /_sim/m3/payInvoice`); returns the ledger record. */
  payInvoice(p: PayInvoiceRequest): M3Record;
  /** Shift the simulator clock (`PUT /_sim/clock`): token expiry, LMTS, quota windows. */
  setClockOffset(seconds: number): void;
  /**
   * Clear data, tokens, quota counters, stats, request log and clock offset, restart the fault dice, and return to the start config
   * (`POST /_sim/reset`). Registered clients stay. Data is empty afterwards unless `seed` says otherwise.
   */
  reset(opts?: { seed?: ResetSeed }): void;
  /** Counters since start or the last reset, and what M3 holds now (a copy). */
  stats(): InforSimStats;
  /** SUNOs of a company (default: the default company), in key order — for demos picking suppliers to change. */
  listSupplierNumbers(cono?: string): string[];
  /** SUNM of a supplier, or undefined when it does not exist. */
  supplierName(suno: string, cono?: string): string | undefined;
  close(): Promise<void>;
}

class InforSim implements InforSimulator, ControlTarget {
  readonly server = new SimServer();
  url = '';
  ionapi!: IonApiJson;
  private cfg: InforSimConfig;
  private counters = emptyStats();
  private readonly dice = new Prng(FAULT_DICE_SEED);
  private readonly store: M3Store;
  private readonly auth: AuthService;
  private readonly gateway: Gateway;

  constructor(
    readonly tenant: string,
    private readonly startConfig: Partial<InforSimConfig>,
  ) {
    this.cfg = { ...defaultConfig(), ...parseConfigPatch(startConfig) };
    const config = (): InforSimConfig => this.cfg;
    const stats = (): SimCounters => this.counters;
    const clock = this.server.clock;
    this.store = new M3Store(new LmtsSource(clock), {
      cono: () => String(this.cfg.defaultCono),
      divi: () => this.cfg.defaultDivi,
    });
    this.auth = new AuthService({ tenant, clock, config, stats, baseUrl: () => this.url });
    this.gateway = new Gateway({ tenant, clock, config, stats, auth: this.auth, store: this.store, transactions: TRANSACTIONS });

    const { server } = this;
    server.before = faultHook({ config, stats, dice: this.dice });
    server.notFound = (req) => notFound(`No resource at ${req.path}`);
    const tenantCheck =
      (handler: Handler): Handler =>
      (req) =>
        req.params.ti === tenant ? handler(req) : notFound(`Tenant ${req.params.ti} not found`);
    server.route('POST', `/:ti/as/${TOKEN_PATH}`, tenantCheck((req) => this.auth.token(req)));
    server.route('POST', `/:ti/as/${REVOKE_PATH}`, tenantCheck((req) => this.auth.revoke(req)));
    server.route('*', GATEWAY_ROUTE, this.gateway.handle);
    registerControlRoutes(server, this);
  }

  async start(port: number, host: string, seed: InforSimOptions['seed']): Promise<void> {
    this.url = await this.server.listen(port, host);
    this.ionapi = this.auth.registerRandom();
    this.applySeed(seed ?? 'default');
  }

  registerClient(c: ClientRegistration): IonApiJson {
    return this.auth.register(c);
  }

  config(): InforSimConfig {
    return structuredClone(this.cfg);
  }

  setConfig(partial: Partial<InforSimConfig>): void {
    Object.assign(this.cfg, structuredClone(parseConfigPatch(partial)));
  }

  seed(data: InforSeed): void {
    this.store.seed(parseSeed(data));
  }

  touch(t: TouchRequest): M3Record {
    return { ...this.store.touch(t) };
  }

  payInvoice(p: PayInvoiceRequest): M3Record {
    const cono = String(p.CONO ?? this.cfg.defaultCono);
    const divi = p.DIVI ?? this.cfg.defaultDivi;
    const date = p.date ?? ymd(this.server.clock.now());
    if (!isValidYmd(date)) throw new Error(`date ${date} is not yyyyMMdd`);
    if (typeof p.amount !== 'string' || !isDecimal(p.amount)) throw new Error(`amount ${String(p.amount)} is not a decimal like 1250.00`);
    const invoice = this.store.findSupplierInvoice({ cono, divi, suno: p.SUNO, sino: p.SINO, inyr: p.INYR, ...(p.SPYN !== undefined ? { spyn: p.SPYN } : {}) });
    if (!invoice) throw new Error(`Invoice ${p.SINO} does not exist`);
    applyPayment(this.store, invoice, { amount: p.amount, date });
    return { ...invoice.record };
  }

  setClockOffset(seconds: number): void {
    this.server.clock.offsetSeconds = seconds;
  }

  reset(opts: { seed?: ResetSeed } = {}): void {
    this.store.clear();
    this.auth.resetTokens();
    this.gateway.resetQuotas();
    this.counters = emptyStats();
    this.dice.reseed(FAULT_DICE_SEED);
    this.server.log.length = 0;
    this.server.clock.offsetSeconds = 0;
    this.cfg = { ...defaultConfig(), ...parseConfigPatch(this.startConfig) };
    this.applySeed(opts.seed ?? 'none');
  }

  stats(): InforSimStats {
    const { store } = this;
    const accountsOf = (aitp: string) => store.accounts.values().filter((a) => a.AITP === aitp).length;
    const records: RecordCounts = {
      suppliers: store.suppliers.size,
      purchaseOrders: store.purchaseOrders.size,
      poLines: store.purchaseOrders.values().reduce((n, po) => n + po.lines.length, 0),
      accounts: accountsOf('1'),
      costCenters: accountsOf('2'),
      invoiceBatches: store.batches.size,
      ledgerInvoices: store.ledger.size,
    };
    return { ...structuredClone(this.counters), records };
  }

  listSupplierNumbers(cono: string = String(this.cfg.defaultCono)): string[] {
    return this.store.suppliers.values().filter((s) => s.CONO === cono).map((s) => s.SUNO!);
  }

  supplierName(suno: string, cono: string = String(this.cfg.defaultCono)): string | undefined {
    return this.store.supplier(cono, suno)?.SUNM;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private applySeed(seed: ResetSeed): void {
    if (seed === 'none') return;
    this.seed(seed === 'default' ? defaultInforSeed(this.server.clock.now()) : seed);
  }
}

/** Start the simulator on loopback with a registered client (`ionapi`) and, by default, the default data set. */
export async function startInforSimulator(opts: InforSimOptions = {}): Promise<InforSimulator> {
  const sim = new InforSim(opts.tenant ?? DEFAULT_TENANT, opts.config ?? {});
  await sim.start(opts.port ?? 0, opts.host ?? '127.0.0.1', opts.seed);
  return sim;
}
