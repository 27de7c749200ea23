/**
 * Fault injection for the gateway (config switches in config.ts). Runs as the SimServer `before` hook, i.e.
 * before the token check and before the transaction executes, so an injected fault never has a side effect.
 * `failAfterCommit` is the exception and lives in the gateway, after the transaction ran.
 */
import type { SimRequest, SimResponse } from '../kit/server.js';
import type { InforSimConfig } from './config.js';
import { serverFault, tooManyRequests } from './envelope.js';
import { GATEWAY_PATH } from './gateway.js';
import type { Prng } from './seed/prng.js';
import type { SimCounters } from './stats.js';

/** Token and revoke endpoints: only `latencyMs` applies to them. */
const AUTH_PATH = /^\/[^/]+\/as\//;

export interface FaultDeps {
  config: () => InforSimConfig;
  stats: () => SimCounters;
  /** Dice for `fail5xxRate`, seeded so a run is repeatable. */
  dice: Prng;
}

export function faultHook(deps: FaultDeps): (req: SimRequest) => Promise<SimResponse | undefined> {
  return async (req) => {
    const cfg = deps.config();
    const gateway = GATEWAY_PATH.test(req.path);
    if (!gateway && !AUTH_PATH.test(req.path)) return undefined;
    if (cfg.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, cfg.latencyMs));
    if (!gateway) return undefined;
    const faults = deps.stats().faults;
    if (cfg.resetNext > 0) {
      cfg.resetNext -= 1;
      faults.connectionResets += 1;
      return { status: 0, destroy: true };
    }
    if (cfg.rateLimitNext && cfg.rateLimitNext.count > 0) {
      const { retryAfterSeconds } = cfg.rateLimitNext;
      cfg.rateLimitNext.count -= 1;
      if (cfg.rateLimitNext.count === 0) cfg.rateLimitNext = null;
      faults.rateLimited += 1;
      return tooManyRequests(retryAfterSeconds, 'API call quota exceeded');
    }
    if (cfg.fail5xxNext > 0) {
      cfg.fail5xxNext -= 1;
      faults.fail5xx += 1;
      return serverFault(503, 'Simulated gateway fault');
    }
    if (cfg.fail5xxRate > 0 && deps.dice.next() < cfg.fail5xxRate) {
      faults.fail5xx += 1;
      return serverFault(503, 'Simulated gateway fault');
    }
    return undefined;
  };
}
