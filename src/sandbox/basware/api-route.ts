/**
 * The wrapper every P2P API route goes through (apis/basware.md §2, §3.4, §7): a fresh request id on
 * the response, authentication (Bearer token of this instance, or HTTP Basic with the API credentials),
 * the per-account rate budget, the scope check, and the after-commit fault.
 */
import { randomUUID } from 'node:crypto';
import type { Handler, SimRequest, SimResponse } from '../kit/server.js';
import { parseJson } from '../kit/server.js';
import { badGateway, takeFault } from './faults.js';
import { REQUEST_ID_HEADER, singleError, tooManyRequests, unauthorized } from './responses.js';
import type { SimState } from './state.js';
import type { Principal } from './token-authority.js';

export interface ApiContext {
  requestId: string;
  principal: Principal;
}

export type ApiHandler = (req: SimRequest, ctx: ApiContext) => SimResponse | Promise<SimResponse>;

function authenticate(state: SimState, header: string | undefined): Principal | undefined {
  if (!header) return undefined;
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer?.[1]) return state.authority.verifyBearer(bearer[1]);
  if (/^Basic\s/i.test(header)) return state.authority.verifyBasic(header);
  return undefined;
}

/** `scope` is `<api>.read` for GET and `<api>.write` for POST/PATCH (§2). */
export function apiRoute(state: SimState, scope: string, handler: ApiHandler): Handler {
  return async (req) => {
    const requestId = randomUUID();
    const principal = authenticate(state, req.headers.authorization);
    if (!principal) return unauthorized(requestId);
    // Only admitted requests use budget; a 429 does not (§7).
    const rate = state.apiLimiter.take(principal.clientId, state.config.ratePerMinute, state.nowMs());
    if (!rate.ok) return tooManyRequests(requestId, rate.retryAfterSeconds);
    if (principal.scopes !== 'any' && !principal.scopes.has(scope)) return unauthorized(requestId);
    const response = await handler(req, { requestId, principal });
    if (takeFault(state.config.failAfterCommitNext, req)) return badGateway(requestId);
    return { ...response, headers: { [REQUEST_ID_HEADER]: requestId, ...response.headers } };
  };
}

// JSON bodies may come as any of the media types the OpenAPI file lists for request bodies (§2).
const JSON_MEDIA_TYPE = /^(application\/json|text\/json|application\/[\w.+-]*\+json)\s*(;|$)/i;

/** The parsed JSON body, or the error response to send (415 wrong media type, 400 not JSON). */
export function readJsonBody(req: SimRequest, requestId: string, entityName: string): { value: unknown } | SimResponse {
  const contentType = req.headers['content-type'] ?? '';
  if (!JSON_MEDIA_TYPE.test(contentType)) {
    return {
      status: 415,
      headers: { [REQUEST_ID_HEADER]: requestId },
      body: { message: `Unsupported Media Type: send Content-Type: application/json (got '${contentType || 'none'}').` },
    };
  }
  const value = parseJson(req.body);
  if (value === undefined) {
    return singleError(400, requestId, 'VALIDATION', 'SCHEMA_VALIDATION_ERROR', 'The request body is not valid JSON.', null, entityName);
  }
  return { value };
}
