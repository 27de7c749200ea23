/**
 * Simulator control endpoints (apis/basware.md §8, M9; not part of Basware). They need no token, are
 * never rate-limited or faulted, and answer `{"message": ...}` with 400 when the input is wrong.
 */
import type { SimRequest, SimResponse, SimServer } from '../kit/server.js';
import { parseJson } from '../kit/server.js';
import { addAccountingDocuments } from './accounting-documents.js';
import { applyConfigPatch } from './config.js';
import type { SimState } from './state.js';
import type { ClientRegistration } from './token-authority.js';

function badRequest(err: unknown): SimResponse {
  return { status: 400, body: { message: err instanceof Error ? err.message : String(err) } };
}

/** Run `action` on the JSON body; a thrown error or a non-JSON body is a 400. */
function withJson(action: (body: unknown) => SimResponse): (req: SimRequest) => SimResponse {
  return (req) => {
    const body = parseJson(req.body);
    if (body === undefined) return badRequest(new Error('the body must be JSON'));
    try {
      return action(body);
    } catch (err) {
      return badRequest(err);
    }
  };
}

function registerClients(state: SimState, body: unknown): SimResponse {
  const clients = (Array.isArray(body) ? body : [body]) as ClientRegistration[];
  for (const c of clients) state.authority.register(c);
  return { status: 200, body: { registered: clients.map((c) => c.client_id) } };
}

function mapsToObjects(value: unknown): unknown {
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [k, mapsToObjects(v)]));
  return value;
}

export function registerControlRoutes(server: SimServer, state: SimState, reset: () => void): void {
  server.route('POST', '/_sim/reset', () => {
    reset();
    return { status: 200, body: { message: 'reset' } };
  });
  server.route('GET', '/_sim/config', () => ({ status: 200, body: state.config }));
  server.route(
    'PUT',
    '/_sim/config',
    withJson((body) => {
      applyConfigPatch(state.config, body);
      return { status: 200, body: state.config };
    }),
  );
  server.route('POST', '/_sim/clients', withJson((body) => registerClients(state, body)));
  server.route(
    'POST',
    '/_sim/accountingDocuments',
    withJson((body) => {
      addAccountingDocuments(state, body);
      return { status: 200, body: { added: (body as unknown[]).length } };
    }),
  );
  server.route('GET', '/_sim/clock', () => ({ status: 200, body: { offsetSeconds: server.clock.offsetSeconds, now: state.nowIso() } }));
  server.route(
    'PUT',
    '/_sim/clock',
    withJson((body) => {
      const offset = (body as { offsetSeconds?: unknown } | null)?.offsetSeconds;
      if (typeof offset !== 'number' || !Number.isFinite(offset)) throw new Error('offsetSeconds must be a number');
      server.clock.offsetSeconds = offset;
      return { status: 200, body: { offsetSeconds: offset, now: state.nowIso() } };
    }),
  );
  server.route('GET', '/_sim/requests', () => ({ status: 200, body: server.log }));
  // Not in §8: the push-notification delivery log, for harnesses that run the simulator in another process.
  server.route('GET', '/_sim/deliveries', () => ({ status: 200, body: state.notifications.deliveries() }));
  // Not in §8: a dump of everything stored, for harnesses that run the simulator in another process.
  server.route('GET', '/_sim/store', () => ({
    status: 200,
    body: Object.fromEntries(Object.entries(state.store).map(([name, collection]) => [name, mapsToObjects(collection)])),
  }));
}
