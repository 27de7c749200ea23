/** The `/_sim/*` control endpoints of apis/infor.md §9 (simulator and harness only, not Infor). */
import { parseJson, type SimRequest, type SimResponse, type SimServer } from '../kit/server.js';
import type { ClientRegistration, IonApiJson } from './auth.js';
import type { InforSimConfig } from './config.js';
import { badRequest, type M3Record } from './envelope.js';
import type { InforSeed } from './seed/types.js';
import type { InforSimStats } from './stats.js';
import type { TouchRequest } from './store.js';

/** `POST /_sim/m3/payInvoice`: an M3-internal payment run against a ledger invoice (§9, §7 item 24). */
export interface PayInvoiceRequest {
  CONO?: string;
  DIVI?: string;
  SUNO: string;
  /** Payee; any when absent. */
  SPYN?: string;
  SINO: string;
  INYR: string;
  /** Amount paid, decimal with `.`. */
  amount: string;
  /** Payment date yyyyMMdd; today (simulator clock) when absent. */
  date?: string;
}

export type ResetSeed = 'default' | 'none' | InforSeed;

/** What the control endpoints drive; the simulator implements it. */
export interface ControlTarget {
  readonly server: SimServer;
  reset(opts?: { seed?: ResetSeed }): void;
  config(): InforSimConfig;
  setConfig(partial: Partial<InforSimConfig>): void;
  registerClient(c: ClientRegistration): IonApiJson;
  seed(data: InforSeed): void;
  touch(t: TouchRequest): M3Record;
  payInvoice(p: PayInvoiceRequest): M3Record;
  setClockOffset(seconds: number): void;
  stats(): InforSimStats;
}

const CONTROL_PREFIX = '/_sim/';

function body(req: SimRequest, emptyAs?: unknown): unknown {
  if (req.body.length === 0 && emptyAs !== undefined) return emptyAs;
  const parsed = parseJson(req.body);
  if (parsed === undefined) throw new Error('the request body must be JSON');
  return parsed;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Run a control action; an Error becomes 400 with its message. */
function guarded(action: (req: SimRequest) => unknown): (req: SimRequest) => SimResponse {
  return (req) => {
    try {
      const result = action(req);
      return { status: 200, body: result ?? { ok: true } };
    } catch (err) {
      return badRequest(err instanceof Error ? err.message : String(err));
    }
  };
}

export function registerControlRoutes(server: SimServer, sim: ControlTarget): void {
  server.route('POST', '/_sim/reset', guarded((req) => {
    const b = body(req, {});
    if (!isObject(b)) throw new Error('expected {"seed": "default" | "none" | {...}}');
    sim.reset({ seed: (b.seed as ResetSeed | undefined) ?? 'none' });
  }));
  server.route('GET', '/_sim/config', guarded(() => sim.config()));
  server.route('PUT', '/_sim/config', guarded((req) => {
    sim.setConfig(body(req) as Partial<InforSimConfig>);
    return sim.config();
  }));
  server.route('POST', '/_sim/clients', guarded((req) => {
    const b = body(req);
    if (!isObject(b)) throw new Error('expected {"ti","ci","cs","saak","sask"}');
    return sim.registerClient(b as unknown as ClientRegistration);
  }));
  server.route('POST', '/_sim/m3/seed', guarded((req) => sim.seed(body(req) as InforSeed)));
  server.route('POST', '/_sim/m3/touch', guarded((req) => {
    const b = body(req);
    if (!isObject(b) || typeof b.entity !== 'string' || !isObject(b.key) || !isObject(b.changes)) {
      throw new Error('expected {"entity": "supplier"|"purchaseOrder"|"poLine"|"account", "key": {...}, "changes": {...}}');
    }
    return sim.touch(b as unknown as TouchRequest);
  }));
  server.route('POST', '/_sim/m3/payInvoice', guarded((req) => {
    const b = body(req);
    if (!isObject(b)) throw new Error('expected {"DIVI","SUNO","SINO","INYR","amount","date"}');
    return sim.payInvoice(b as unknown as PayInvoiceRequest);
  }));
  server.route('GET', '/_sim/clock', guarded(() => ({
    offsetSeconds: sim.server.clock.offsetSeconds,
    now: sim.server.clock.now().toISOString(),
  })));
  server.route('PUT', '/_sim/clock', guarded((req) => {
    const b = body(req);
    if (!isObject(b) || typeof b.offsetSeconds !== 'number' || !Number.isFinite(b.offsetSeconds)) {
      throw new Error('expected {"offsetSeconds": <number>}');
    }
    sim.setClockOffset(b.offsetSeconds);
    return { offsetSeconds: sim.server.clock.offsetSeconds, now: sim.server.clock.now().toISOString() };
  }));
  // The log of vendor traffic; `?all=true` includes the control calls themselves.
  server.route('GET', '/_sim/requests', guarded((req) => {
    const all = req.query.get('all') === 'true';
    return sim.server.log.filter((entry) => all || !entry.url.startsWith(CONTROL_PREFIX));
  }));
  server.route('DELETE', '/_sim/requests', guarded(() => {
    sim.server.log.length = 0;
  }));
  server.route('GET', '/_sim/stats', guarded(() => sim.stats()));
}
