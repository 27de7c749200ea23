/**
 * `POST /v1/tokens` (apis/basware.md §2, S2): client credentials over HTTP Basic, form-encoded body,
 * 20 requests per minute per client. Error bodies as S2 shows them; triggers of 422 and the
 * unsupported-grant / invalid-scope answers are MODELED.
 */
import { randomUUID } from 'node:crypto';
import type { SimRequest, SimResponse } from '../kit/server.js';
import { REQUEST_ID_HEADER, tooManyRequests } from './responses.js';
import type { SimState } from './state.js';
import { parseBasic } from './token-authority.js';

const FORM_MEDIA_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;
const SUPPORTED_GRANT = 'client_credentials';

function answer(requestId: string, status: number, body: unknown): SimResponse {
  return { status, headers: { [REQUEST_ID_HEADER]: requestId }, body };
}

function missing(loc: string[]): { loc: string[]; msg: string; type: string } {
  return { loc, msg: 'field required', type: 'value_error.missing' };
}

export function tokenHandler(state: SimState): (req: SimRequest) => SimResponse {
  return (req) => {
    const requestId = randomUUID();
    const credentials = parseBasic(req.headers.authorization);
    const rate = state.tokenLimiter.take(credentials?.clientId ?? '(anonymous)', state.config.tokenRatePerMinute, state.nowMs());
    if (!rate.ok) return tooManyRequests(requestId, rate.retryAfterSeconds);

    // FastAPI-style request validation: header and form fields missing → 422 (S2 shape).
    const isForm = FORM_MEDIA_TYPE.test(req.headers['content-type'] ?? '');
    const detail = [];
    if (req.headers.authorization === undefined) detail.push(missing(['header', 'authorization']));
    if (!isForm) detail.push(missing(['body', 'grant_type']), missing(['body', 'scope']));
    if (detail.length > 0) return answer(requestId, 422, { detail });

    const form = new URLSearchParams(req.body.toString('utf8'));
    const grantType = form.get('grant_type');
    const scope = form.get('scope');
    if (!grantType) return answer(requestId, 400, { error: 'invalid_request', error_description: 'grant_type field required' });
    if (!scope) return answer(requestId, 400, { error: 'invalid_request', error_description: 'scope field required' });

    const client = credentials && state.authority.authenticateClient(credentials.clientId, credentials.secret);
    if (!client) return answer(requestId, 401, { error: 'invalid_client' });
    if (grantType !== SUPPORTED_GRANT) return answer(requestId, 400, { error: 'unsupported_grant_type' });

    const decision = state.authority.grantScopes(client, scope.split(/\s+/).filter(Boolean));
    if (!decision.ok) return answer(requestId, 400, { error: 'invalid_scope' });
    return answer(requestId, 200, state.authority.issue(client, decision.granted, state.config.tokenLifetimeSeconds));
  };
}
