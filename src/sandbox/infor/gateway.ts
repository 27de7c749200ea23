/**
 * The ION API gateway in front of M3: `/{ti}/M3/m3api-rest/v2/execute/{PGM}/{TRN}` (apis/infor.md §2, §4).
 * Generic work lives here — method, token, quotas, program lookup, options, company, field checks, output
 * shaping and the failAfterCommit fault — so each transaction only implements its business rule.
 */
import type { SimClock, SimRequest, SimResponse } from '../kit/server.js';
import type { AuthService } from './auth.js';
import type { InforSimConfig } from './config.js';
import {
  badRequest,
  errorEnvelope,
  M3_ERROR_CODE,
  M3Error,
  type M3Record,
  methodNotAllowed,
  notFound,
  serverFault,
  successEnvelope,
  tooManyRequests,
} from './envelope.js';
import { fieldLabel, invalidInput, padOutput } from './fields.js';
import { settlePendingValidations } from './invoice-posting.js';
import { DAY_MS, MINUTE_MS, WindowCounter } from './quotas.js';
import type { SimCounters } from './stats.js';
import type { M3Store } from './store.js';
import type { TransactionDef, TxContext } from './transactions/types.js';

export const GATEWAY_ROUTE = '/:ti/M3/m3api-rest/v2/execute/:program/:transaction';
/** Paths the fault switches apply to. */
export const GATEWAY_PATH = /^\/[^/]+\/M3\/m3api-rest\//;

const DEFAULT_MAXRECS = 100;
/** Lower-case options of §2; anything else lower-case is treated as a (non-existent) field. */
const OPTIONS = new Set(['cono', 'divi', 'maxrecs', 'returncols', 'righttrim']);
/** Width business error messages are padded to when output is padded (messages carry trailing spaces, §4). */
const MESSAGE_WIDTH = 60;

export interface GatewayDeps {
  tenant: string;
  clock: SimClock;
  config: () => InforSimConfig;
  stats: () => SimCounters;
  auth: AuthService;
  store: M3Store;
  transactions: readonly TransactionDef[];
}

interface CallOptions {
  cono: string | undefined;
  divi: string | undefined;
  maxrecs: number;
  returncols: string[] | undefined;
  righttrim: boolean;
}

export class Gateway {
  private readonly programs = new Map<string, Map<string, TransactionDef>>();
  private readonly perMinute = new WindowCounter(MINUTE_MS);
  private readonly perDay = new WindowCounter(DAY_MS);

  constructor(private readonly deps: GatewayDeps) {
    for (const def of deps.transactions) {
      let program = this.programs.get(def.program);
      if (!program) this.programs.set(def.program, (program = new Map()));
      program.set(def.transaction, def);
    }
  }

  resetQuotas(): void {
    this.perMinute.reset();
    this.perDay.reset();
  }

  readonly handle = (req: SimRequest): SimResponse => {
    const { tenant, config, stats, auth } = this.deps;
    const cfg = config();
    if (req.params.ti !== tenant) return notFound(`Tenant ${req.params.ti} not found`);
    if (req.method !== 'GET') return methodNotAllowed();
    const refused = auth.checkBearer(req);
    if (refused) {
      stats().unauthorized += 1;
      return refused;
    }
    const quota = this.takeQuota(cfg);
    if (quota) return quota;

    const programName = req.params.program ?? '';
    const program = this.programs.get(programName);
    // APS100MI is the name in product copy only; the real interface is APS450MI + APS455MI (§1).
    if (!program) return notFound(`Program ${programName} not found`);
    const def = program.get(req.params.transaction ?? '');
    if (!def) return notFound(`Transaction ${req.params.transaction} not found in program ${programName}`);

    const options = this.parseOptions(req.query, cfg);
    if (typeof options === 'string') return badRequest(options);

    const s = stats();
    s.gatewayCalls += 1;
    const name = `${def.program}/${def.transaction}`;
    s.callsByTransaction[name] = (s.callsByTransaction[name] ?? 0) + 1;
    const pad = cfg.padOutput && !options.righttrim;
    const columns = this.columns(def, options);
    if (columns instanceof M3Error) {
      s.businessErrors += 1;
      return { status: 200, body: errorEnvelope(def.transaction, columns, pad ? MESSAGE_WIDTH : 0) };
    }

    let records: M3Record[];
    try {
      const ctx = this.context(def, req.query, options, cfg);
      settlePendingValidations(ctx.store, ctx.nowMs);
      records = def.run(ctx);
      if (!def.limitsOwnRecords) records = records.slice(0, ctx.maxrecs);
    } catch (err) {
      if (!(err instanceof M3Error)) throw err;
      s.businessErrors += 1;
      return { status: 200, body: errorEnvelope(def.transaction, err, pad ? MESSAGE_WIDTH : 0) };
    }
    if (cfg.failAfterCommit.includes(name)) {
      // The transaction has committed; the caller only sees a gateway error (§7 item 25).
      s.faults.failedAfterCommit += 1;
      return serverFault(502, 'Simulated gateway fault after the transaction committed');
    }
    return { status: 200, body: successEnvelope(def.transaction, this.shape(records, columns, pad)) };
  };

  /** Per-tenant call quotas of §8; a refusal costs nothing. */
  private takeQuota(cfg: InforSimConfig): SimResponse | undefined {
    const now = this.deps.clock.nowMs();
    const minute = this.perMinute.take(this.deps.tenant, now, cfg.callsPerMinute);
    if (!minute.ok) {
      this.deps.stats().quotaRejections += 1;
      return tooManyRequests(minute.retryAfterSeconds, 'API call rate exceeded');
    }
    const day = this.perDay.take(this.deps.tenant, now, cfg.callsPerDay);
    if (!day.ok) {
      this.perMinute.giveBack(this.deps.tenant, now);
      this.deps.stats().quotaRejections += 1;
      return tooManyRequests(day.retryAfterSeconds, 'API call quota exceeded');
    }
    return undefined;
  }

  /** Options of §2; a malformed one is a 400 (returned as the message). */
  private parseOptions(query: URLSearchParams, cfg: InforSimConfig): CallOptions | string {
    const cono = query.get('cono') ?? undefined;
    if (cono !== undefined && !/^\d{1,3}$/.test(cono)) return `cono ${cono} is not a valid company number`;
    const rawMax = query.get('maxrecs');
    let maxrecs = DEFAULT_MAXRECS;
    if (rawMax !== null) {
      if (!/^\d{1,9}$/.test(rawMax)) return `maxrecs ${rawMax} is not a valid number`;
      const n = Number(rawMax);
      // 0 means "all", which the simulator caps (§1, §7 item 10).
      maxrecs = n === 0 ? cfg.simMaxRecs : Math.min(n, cfg.simMaxRecs);
    }
    const rawTrim = query.get('righttrim');
    if (rawTrim !== null && !/^(true|false)$/i.test(rawTrim)) return `righttrim ${rawTrim} must be true or false`;
    const rawCols = query.get('returncols');
    const returncols = rawCols ? rawCols.split(',').map((c) => c.trim()).filter(Boolean) : undefined;
    return {
      cono,
      divi: query.get('divi') ?? undefined,
      maxrecs,
      returncols,
      righttrim: rawTrim?.toLowerCase() === 'true',
    };
  }

  /** Fields, company and division of one call; throws M3Error for the business errors of §2 and §7. */
  private context(def: TransactionDef, query: URLSearchParams, options: CallOptions, cfg: InforSimConfig): TxContext {
    const input: M3Record = {};
    const given = new Set<string>();
    const accepted = new Set(def.inputs);
    for (const [name, raw] of query) {
      if (OPTIONS.has(name) || given.has(name)) continue;
      if (!accepted.has(name)) throw new M3Error(`Field ${name} does not exist`, M3_ERROR_CODE.FIELD_UNKNOWN, name);
      given.add(name);
      const value = raw.trim();
      if (value !== '') input[name] = value;
    }

    // A CONO input field wins over the option; without either, the user's default company (§2).
    const cono = input.CONO ?? options.cono ?? String(cfg.defaultCono);
    if (input.CONO !== undefined && invalidInput('CONO', input.CONO)) {
      throw new M3Error(`CONO ${input.CONO} is invalid`, M3_ERROR_CODE.INVALID_VALUE, 'CONO');
    }
    if (!cfg.allowedCompanies.includes(Number(cono))) {
      throw new M3Error(`Not authorized for company ${cono}`, M3_ERROR_CODE.NOT_AUTHORIZED, 'CONO');
    }
    let divi = input.DIVI ?? options.divi ?? cfg.defaultDivi;
    if (def.blankDiviIsCompany && given.has('DIVI') && input.DIVI === undefined) divi = '';

    for (const field of def.mandatory ?? []) {
      if (input[field] === undefined) throw new M3Error(`${field} must be entered`, M3_ERROR_CODE.MANDATORY, field);
    }
    for (const [field, value] of Object.entries(input)) {
      const problem = invalidInput(field, value);
      if (problem) throw new M3Error(`${fieldLabel(field)} ${value} is ${problem}`, M3_ERROR_CODE.INVALID_VALUE, field);
    }
    return {
      input,
      given,
      cono: String(Number(cono)),
      divi,
      maxrecs: options.maxrecs,
      store: this.deps.store,
      config: cfg,
      nowMs: this.deps.clock.nowMs(),
    };
  }

  /** Output fields of the call: the transaction's, narrowed by `returncols` (checked before anything runs). */
  private columns(def: TransactionDef, options: CallOptions): readonly string[] | M3Error {
    if (!options.returncols) return def.outputs;
    const unknown = options.returncols.find((c) => !def.outputs.includes(c));
    if (unknown) return new M3Error(`Field ${unknown} does not exist`, M3_ERROR_CODE.FIELD_UNKNOWN, unknown);
    return def.outputs.filter((c) => options.returncols!.includes(c));
  }

  /** Project records onto the output fields; pad A-fields unless `righttrim=true` (§2, §7 item 13). */
  private shape(records: M3Record[], columns: readonly string[], pad: boolean): M3Record[] {
    return records.map((r) => {
      const out: M3Record = {};
      for (const c of columns) {
        const value = r[c] ?? '';
        out[c] = pad ? padOutput(c, value) : value.trimEnd();
      }
      return out;
    });
  }
}
