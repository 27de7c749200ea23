/**
 * Fault switches (simulator only; keys documented in config.ts). They run in the kit's `before` hook,
 * ahead of routing, authentication and rate budgets, so a faulted request changes no state — except
 * `failAfterCommitNext`, which by definition answers only after the handler has done its work.
 */
import { randomUUID } from 'node:crypto';
import type { SimRequest, SimResponse } from '../kit/server.js';
import type { FaultSpec } from './config.js';
import { REQUEST_ID_HEADER, serviceUnavailable, singleError, tooManyRequests } from './responses.js';
import { S3_PATH_PREFIX } from './presigned-objects.js';
import type { SimState } from './state.js';

const CONTROL_PREFIX = '/_sim/';
const API_PREFIX = '/v1/';
const TOKEN_PATH = '/v1/tokens';

/** Does the spec target this request? Default target: API calls other than the token endpoint. */
function matches(spec: FaultSpec, req: SimRequest): boolean {
  if (spec.method && spec.method.toUpperCase() !== req.method) return false;
  if (spec.pathPrefix !== undefined) return req.path.startsWith(spec.pathPrefix);
  return req.path.startsWith(API_PREFIX) && req.path !== TOKEN_PATH;
}

/** Consume one shot of a fault switch when it targets this request. */
export function takeFault(spec: FaultSpec | null, req: SimRequest): boolean {
  if (!spec || spec.count <= 0 || !matches(spec, req)) return false;
  spec.count -= 1;
  return true;
}

export function badGateway(requestId: string): SimResponse {
  return { status: 502, headers: { [REQUEST_ID_HEADER]: requestId }, body: { message: 'Bad Gateway' } };
}

/** The `before` hook: latency, then at most one pre-handler fault. Control endpoints are never faulted. */
export function faultHook(state: SimState): (req: SimRequest) => Promise<SimResponse | undefined> {
  return async (req) => {
    if (req.path.startsWith(CONTROL_PREFIX)) return undefined;
    const { config } = state;
    if (config.latencyMs > 0 && (req.path.startsWith(API_PREFIX) || req.path.startsWith(S3_PATH_PREFIX))) {
      await new Promise((resolve) => setTimeout(resolve, config.latencyMs));
    }
    if (takeFault(config.resetNext, req)) return { status: 0, destroy: true };
    const requestId = randomUUID();
    if (config.rateLimitNext && takeFault(config.rateLimitNext, req)) {
      return tooManyRequests(requestId, config.rateLimitNext.retryAfterSeconds);
    }
    if (takeFault(config.fail5xxNext, req)) {
      return serviceUnavailable(requestId, 'Simulated outage (fail5xxNext); nothing was processed.');
    }
    if (takeFault(config.fail500Next, req)) {
      return singleError(500, requestId, 'TECHNICAL', 'UNEXPECTED_ERROR', 'Simulated unexpected error (fail500Next); nothing was processed.');
    }
    return undefined;
  };
}
