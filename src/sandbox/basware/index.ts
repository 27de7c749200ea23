/**
 * Basware P2P API simulator: an independent implementation of apis/basware.md (tokens, master-data
 * imports with two-phase request status, reads with continuation tokens, order-line PATCH, accounting
 * documents behind pre-signed redirects, push-notification subscriptions with signed, retried deliveries)
 * plus the `/_sim/*` control endpoints of §8. One instance is one
 * region with its own token issuer.
 */
import { randomUUID } from 'node:crypto';
import { SimServer } from '../kit/server.js';
import { addAccountingDocuments, registerAccountingDocumentRoutes } from './accounting-documents.js';
import { applyConfigPatch } from './config.js';
import type { BaswareSimConfig, BaswareSimConfigPatch } from './config.js';
import { registerControlRoutes } from './control.js';
import { faultHook } from './faults.js';
import { registerMasterDataRoutes } from './master-data.js';
import { registerOrderLinePatchRoute } from './order-line-patch.js';
import { registerRequestStatusRoutes } from './request-status.js';
import { notFound, tooLarge } from './responses.js';
import { SimState } from './state.js';
import type { DeliveryAttempt } from './notifications.js';
import { registerSubscriptionRoutes } from './subscriptions.js';
import type { BaswareSimStoreView } from './store.js';
import { tokenHandler } from './token-endpoint.js';
import type { BaswareSimRegion, ClientRegistration } from './token-authority.js';

export type { BaswareSimConfig, BaswareSimConfigPatch, FaultSpec, RateLimitFaultSpec } from './config.js';
export { DEFAULT_CONFIG } from './config.js';
export type { BaswareSimStoreView, JsonRecord, RequestStatusRecord } from './store.js';
export type { BaswareSimRegion, ClientRegistration } from './token-authority.js';
export type { DeliveryAttempt, NotificationTask, TaskHistoryEntry, TaskStatus } from './notifications.js';
export type { Subscription } from './subscriptions.js';
export {
  DELIVERY_ATTEMPT_HEADER,
  NOTIFICATION_CONTENT_TYPE,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  signNotification,
} from './notification-signing.js';

/** Largest request body Basware accepts; larger ones get 413 (§3.4). */
const MAX_BODY_BYTES = 6_291_456;

export interface BaswareSimOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Region whose issuer this instance is (default EU). */
  region?: BaswareSimRegion;
  config?: BaswareSimConfigPatch;
}

export interface BaswareSimulator {
  url: string;
  server: SimServer;
  region: BaswareSimRegion;
  /** Register OAuth credentials, as `POST /_sim/clients`. */
  registerClient(client: ClientRegistration): void;
  /** Change settings or arm fault switches, as `PUT /_sim/config`; throws on unknown keys or bad values. */
  setConfig(partial: BaswareSimConfigPatch): void;
  /** Current settings, including what is left of each fault switch. */
  readonly config: Readonly<BaswareSimConfig>;
  /** Store accounting documents, as `POST /_sim/accountingDocuments`; throws when one breaks the schema. */
  addAccountingDocuments(docs: object[]): void;
  /** Direct read access: master data by externalCode (lists by listKey), request statuses, documents by invoiceId. */
  store: BaswareSimStoreView;
  /** Resolve once every queued phase-2 request has been processed (tests use it instead of sleeping). */
  drain(): Promise<void>;
  /** Every push-notification delivery attempt so far, ConnectionTests included, oldest first. */
  deliveries(): DeliveryAttempt[];
  /** Resolve once every pending notification task has ended (Completed or Failed), retries included. */
  drainDeliveries(): Promise<void>;
  /** As `POST /_sim/reset`: data, tokens, queue, armed faults, request log and clock offset; config and clients stay. */
  reset(): void;
  close(): Promise<void>;
}

export async function startBaswareSimulator(opts: BaswareSimOptions = {}): Promise<BaswareSimulator> {
  const server = new SimServer();
  const region = opts.region ?? 'EU';
  const state = new SimState(server, region);
  if (opts.config) applyConfigPatch(state.config, opts.config);

  const reset = (): void => {
    state.reset();
    server.log.length = 0;
  };

  server.maxBodyBytes = MAX_BODY_BYTES;
  server.onTooLarge = () => tooLarge(randomUUID());
  server.before = faultHook(state);
  server.route('POST', '/v1/tokens', tokenHandler(state));
  registerRequestStatusRoutes(server, state);
  registerOrderLinePatchRoute(server, state);
  registerMasterDataRoutes(server, state);
  registerAccountingDocumentRoutes(server, state);
  registerSubscriptionRoutes(server, state);
  registerControlRoutes(server, state, reset);
  // Anything else under /v1 still carries a request id.
  server.route('*', '/v1/*rest', () => notFound(randomUUID()));

  const url = await server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1');
  state.baseUrl = url;

  return {
    url,
    server,
    region,
    registerClient: (client) => state.authority.register(client),
    setConfig: (partial) => applyConfigPatch(state.config, partial),
    config: state.config,
    addAccountingDocuments: (docs) => addAccountingDocuments(state, docs),
    store: state.store,
    drain: () => state.queue.drain(),
    deliveries: () => state.notifications.deliveries(),
    drainDeliveries: () => state.notifications.drain(),
    reset,
    close: async () => {
      state.queue.stop();
      state.notifications.stop();
      await server.close();
    },
  };
}
