/**
 * The Basware P2P AP connector: client-credentials token → HTTP client → canonical master data
 * mapped to import entities → phase-1 POSTs → phase-2 request status (apis/basware.md §3.2, §4).
 */
import { httpClientOptions } from '../../http/settings.js';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { createOAuthProvider } from '../../auth/oauth.js';
import { createEncryptedTokenCache } from '../../auth/token-cache.js';
import type { TokenProvider } from '../../auth/types.js';
import { AuthError, HttpError, isMlsyncError } from '../../errors.js';
import { createHttpClient } from '../../http/client.js';
import type { HttpClient } from '../../http/types.js';
import type { MirrorEntity } from '../../model/entities.js';
import type { DimensionValue } from '../../model/master-data.js';
import type {
  ApConnector,
  ConnectorDeps,
  MirrorRecordTypes,
  MirrorWrite,
  PingResult,
  SubmittedBatch,
  WriteOutcome,
} from '../types.js';
import type { BaswareConfig } from './config.js';
import {
  BASWARE_BATCH_LIMITS,
  BASWARE_CREDENTIAL_ENV,
  BASWARE_DISPLAY_NAME,
  BASWARE_IMPORT_PATHS,
  BASWARE_MAX_BODY_BYTES,
  BASWARE_SCOPES,
  BASWARE_SYSTEM,
} from './descriptor.js';
import { createBaswareDocuments } from './documents.js';
import type { OrderLineEntity } from './entities.js';
import { importRecords } from './import.js';
import type { ImportOptions, ImportResult } from './import.js';
import { checkAccount, checkCostCenter, checkOrder, checkOrderLine, checkVendor } from './limits.js';
import { mapAccount, mapCostCenter, mapMatchingOrder, mapVendor } from './mapping.js';
import { pollRequestStatus } from './request-status.js';
import type { ItemVerdict, RequestVerdict } from './request-status.js';

export const BASWARE_MIRROR_TARGETS = ['suppliers', 'purchaseOrders', 'glAccounts', 'costCenters'] as const satisfies readonly MirrorEntity[];

const COST_CENTER_DIMENSION = 'costCenter';
const CORRELATION_HEADER = 'X-BW-REQUEST-ID';

/** Test seams; production code passes none. */
export interface BaswareConnectorOptions {
  /** How phase-2 polling and HTTP retries sleep. */
  sleep?: (ms: number) => Promise<void>;
}

/** One part of a record as sent: a vendor, or a PO's order or one of its lines. */
interface SentPart {
  externalCode: string;
  /** 'order', 'line 10': prefixes reasons when a record has several parts. */
  label: string;
  requestId: string;
}

interface PendingRecord {
  key: string;
  targetKey: string;
  parts: SentPart[];
}

/** What submitMirror hands back: plain data, so a copy of it confirms as well as the original. */
export interface BaswareSubmittedBatch extends SubmittedBatch {
  readonly system: typeof BASWARE_SYSTEM;
  readonly submittedAt: number;
  readonly pending: readonly PendingRecord[];
}

function isBaswareBatch(batch: SubmittedBatch): batch is BaswareSubmittedBatch {
  return (batch as Partial<BaswareSubmittedBatch>).system === BASWARE_SYSTEM && Array.isArray((batch as BaswareSubmittedBatch).pending);
}

type PhaseOneOutcome = { key: string; status: 'rejected' | 'unconfirmed'; targetKey: string; reason: string };

/** One record ready to send: its main entity and, for a PO, its lines. */
interface Prepared {
  key: string;
  main: { externalCode: string };
  lines: OrderLineEntity[];
}

export function createBaswareConnector(config: BaswareConfig, deps: ConnectorDeps, options: BaswareConnectorOptions = {}): ApConnector {
  deps.redactor.add(config.clientSecret);
  const sleep = options.sleep ?? ((ms: number) => delay(ms).then(() => undefined));
  const nowMs = () => (deps.now ? deps.now().getTime() : Date.now());
  const tokenUrl = config.tokenUrl ?? `${config.baseUrl}/v1/tokens`;
  const host = new URL(config.baseUrl).host;

  const httpBase = httpClientOptions(config.http, { system: BASWARE_SYSTEM, displayName: BASWARE_DISPLAY_NAME, baseUrl: config.baseUrl }, deps, options.sleep);

  const auth: TokenProvider = createOAuthProvider({
    system: BASWARE_SYSTEM,
    displayName: BASWARE_DISPLAY_NAME,
    tokenUrl,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    clientAuth: 'basic',
    grant: { type: 'client_credentials', scope: BASWARE_SCOPES.join(' ') },
    http: createHttpClient(httpBase),
    refreshSkewSeconds: config.tokenRefreshSkewSeconds,
    ...(deps.tokenStore
      ? { cache: createEncryptedTokenCache(deps.tokenStore, [config.clientSecret]), cacheKey: `basware:${host}:${config.clientId}` }
      : {}),
    credentialHint: BASWARE_CREDENTIAL_ENV,
    redactor: deps.redactor,
    ...(deps.now ? { now: nowMs } : {}),
  });
  const http: HttpClient = createHttpClient({ ...httpBase, auth });

  const correlation = (): Record<string, string> => (config.sendCorrelationHeader ? { [CORRELATION_HEADER]: randomUUID() } : {});
  const documents = createBaswareDocuments({
    http,
    config,
    headers: correlation,
    now: () => (deps.now ? deps.now() : new Date()),
  });

  function importer(path: string, what: string, maxRecords: number): ImportOptions {
    return { http, path, what, maxRecords, maxBytes: BASWARE_MAX_BODY_BYTES, headers: correlation };
  }

  function batchSize(entity: MirrorEntity): number {
    switch (entity) {
      case 'suppliers':
        return BASWARE_BATCH_LIMITS.vendors;
      case 'glAccounts':
        return BASWARE_BATCH_LIMITS.accounts;
      case 'costCenters':
        return BASWARE_BATCH_LIMITS.costCenters;
      case 'purchaseOrders':
        // One order per PO, so a batch fills one orders POST; lines are split into POSTs of 100 here.
        return BASWARE_BATCH_LIMITS.matchingOrders;
    }
  }

  /** Map one record and check it against Basware's limits: the entities to send, or why not. */
  function prepare(entity: MirrorEntity, item: MirrorWrite<unknown>): Prepared | { key: string; reason: string } {
    const key = item.key;
    switch (entity) {
      case 'suppliers': {
        const v = mapVendor(config, item.record as MirrorRecordTypes['suppliers']);
        const reason = checkVendor(v);
        return reason ? { key, reason } : { key, main: v, lines: [] };
      }
      case 'glAccounts': {
        const a = mapAccount(config, item.record as MirrorRecordTypes['glAccounts']);
        const reason = checkAccount(a);
        return reason ? { key, reason } : { key, main: a, lines: [] };
      }
      case 'costCenters': {
        const d = item.record as DimensionValue;
        if (d.dimension !== COST_CENTER_DIMENSION) {
          return { key, reason: `dimension "${d.dimension}" is not a cost center; Basware costCenters take only ${COST_CENTER_DIMENSION}` };
        }
        const c = mapCostCenter(config, d);
        const reason = checkCostCenter(c);
        return reason ? { key, reason } : { key, main: c, lines: [] };
      }
      case 'purchaseOrders': {
        const { order, lines } = mapMatchingOrder(config, item.record as MirrorRecordTypes['purchaseOrders']);
        const reason = checkOrder(order) ?? lines.map(checkOrderLine).find((r) => r !== undefined);
        return reason ? { key, reason } : { key, main: order, lines };
      }
    }
  }

  function checkMirror<E extends MirrorEntity>(entity: E, item: MirrorWrite<MirrorRecordTypes[E]>): string | undefined {
    const prepared = prepare(entity, item);
    return 'reason' in prepared ? prepared.reason : undefined;
  }

  async function submitMirror<E extends MirrorEntity>(entity: E, batch: MirrorWrite<MirrorRecordTypes[E]>[]): Promise<SubmittedBatch> {
    const submittedAt = nowMs();
    const settled: WriteOutcome[] = [];
    // A key given twice: the last version wins, like Basware's own upsert.
    const latest = new Map<string, MirrorWrite<MirrorRecordTypes[E]>>();
    for (const item of batch) {
      latest.delete(item.key);
      latest.set(item.key, item);
    }
    const ready: Prepared[] = [];
    for (const item of latest.values()) {
      const p = prepare(entity, item);
      if ('reason' in p) settled.push({ key: p.key, status: 'rejected', reason: p.reason });
      else ready.push(p);
    }

    const pending: PendingRecord[] = [];
    if (entity === 'purchaseOrders') {
      await submitOrders(ready, settled, pending);
    } else {
      const opts =
        entity === 'suppliers'
          ? importer(BASWARE_IMPORT_PATHS.vendors, 'vendor', BASWARE_BATCH_LIMITS.vendors)
          : entity === 'glAccounts'
            ? importer(BASWARE_IMPORT_PATHS.accounts, 'account', BASWARE_BATCH_LIMITS.accounts)
            : importer(BASWARE_IMPORT_PATHS.costCenters, 'cost center', BASWARE_BATCH_LIMITS.costCenters);
      const result = await importRecords(opts, ready.map((p) => p.main));
      throwIfNothingSent(result);
      for (const p of ready) {
        const code = p.main.externalCode;
        const outcome = phaseOneOutcome(p.key, code, result, opts.what);
        if (outcome) settled.push(outcome);
        else pending.push({ key: p.key, targetKey: code, parts: [{ externalCode: code, label: opts.what, requestId: result.accepted.get(code) as string }] });
      }
    }

    const out: BaswareSubmittedBatch = {
      entity,
      settled,
      pendingKeys: pending.map((p) => p.key),
      system: BASWARE_SYSTEM,
      submittedAt,
      pending,
    };
    return out;
  }

  /** Orders first (Basware needs the header before its lines, §4.2), then the lines of accepted orders. */
  async function submitOrders(ready: Prepared[], settled: WriteOutcome[], pending: PendingRecord[]): Promise<void> {
    const orderOpts = importer(BASWARE_IMPORT_PATHS.matchingOrders, 'order', BASWARE_BATCH_LIMITS.matchingOrders);
    const orders = await importRecords(orderOpts, ready.map((p) => p.main));
    throwIfNothingSent(orders);
    const lineOpts = importer(BASWARE_IMPORT_PATHS.matchingOrderLines, 'order line', BASWARE_BATCH_LIMITS.matchingOrderLines);
    const withOrder = ready.filter((p) => orders.accepted.has(p.main.externalCode));
    const lines = await importRecords(lineOpts, withOrder.flatMap((p) => p.lines));

    for (const p of ready) {
      const orderCode = p.main.externalCode;
      const orderOutcome = phaseOneOutcome(p.key, orderCode, orders, 'order');
      if (orderOutcome) {
        settled.push(orderOutcome);
        continue;
      }
      const parts: SentPart[] = [{ externalCode: orderCode, label: 'order', requestId: orders.accepted.get(orderCode) as string }];
      let refused: WriteOutcome | undefined;
      let open: WriteOutcome | undefined;
      for (const line of p.lines) {
        const label = `line ${line.lineNumber}`;
        const o = phaseOneOutcome(p.key, line.externalCode, lines, label);
        if (o) {
          const named = { ...o, targetKey: orderCode, reason: `${label}: ${o.reason}` };
          if (o.status === 'rejected') refused ??= named;
          else open ??= named;
          continue;
        }
        parts.push({ externalCode: line.externalCode, label, requestId: lines.accepted.get(line.externalCode) as string });
      }
      const decided = refused ?? open;
      if (decided) settled.push(decided);
      else pending.push({ key: p.key, targetKey: orderCode, parts });
    }
  }

  function throwIfNothingSent(result: ImportResult): void {
    // Basware answered nothing for any record: the whole batch could not be sent, which is the caller's to report.
    if (result.error !== undefined && result.answered === 0) throw result.error;
  }

  /** The final outcome of a record that phase 1 already decided (refused or not sent); undefined when it went through. */
  function phaseOneOutcome(key: string, code: string, result: ImportResult, what: string): PhaseOneOutcome | undefined {
    const refused = result.rejected.get(code);
    if (refused !== undefined) return { key, status: 'rejected', targetKey: code, reason: refused };
    const unknown = result.unconfirmed.get(code);
    if (unknown !== undefined) return { key, status: 'unconfirmed', targetKey: code, reason: unknown };
    if (!result.accepted.has(code)) return { key, status: 'unconfirmed', targetKey: code, reason: `the ${what} was not sent` };
    return undefined;
  }

  async function confirmMirror(batch: SubmittedBatch): Promise<WriteOutcome[]> {
    if (!isBaswareBatch(batch)) {
      throw new Error('confirmMirror was given a batch that the Basware connector did not submit');
    }
    const rs = config.requestStatus;
    const pollOpts = {
      http,
      initialDelayMs: rs.initialDelayMs,
      maxDelayMs: rs.maxDelayMs,
      deadline: nowMs() + rs.maxWaitSeconds * 1000,
      notFoundGraceMs: rs.notFoundGraceSeconds * 1000,
      sleep,
      now: nowMs,
      headers: correlation,
    };
    const ids = [...new Set(batch.pending.flatMap((r) => r.parts.map((p) => p.requestId)))];
    // Requests of one batch are independent: poll them side by side (the client caps concurrency).
    const verdicts = await Promise.all(ids.map((id) => pollRequestStatus(id, batch.submittedAt, pollOpts)));
    const byId = new Map<string, RequestVerdict>(verdicts.map((v) => [v.requestId, v]));

    // Only the pending records: the settled ones were final at submit time and the engine has them already.
    return batch.pending.map((record) => judge(record, byId));
  }

  /** A record is written only when every part is; otherwise the first refusal (or open part) names what. */
  function judge(record: PendingRecord, byId: Map<string, RequestVerdict>): WriteOutcome {
    const main = record.parts[0] as SentPart;
    const base = { key: record.key, targetKey: record.targetKey, requestId: main.requestId };
    const verdicts: Array<{ part: SentPart; v: ItemVerdict }> = record.parts.map((part) => ({
      part,
      v: byId.get(part.requestId)?.verdictFor(part.externalCode) ?? { status: 'unconfirmed', reason: 'no status was read' },
    }));
    const label = (part: SentPart, reason: string) => (record.parts.length > 1 ? `${part.label}: ${reason}` : reason);
    const rejected = verdicts.find((x) => x.v.status === 'rejected');
    if (rejected && 'reason' in rejected.v) return { ...base, status: 'rejected', reason: label(rejected.part, rejected.v.reason) };
    const open = verdicts.find((x) => x.v.status === 'unconfirmed');
    if (open && 'reason' in open.v) return { ...base, status: 'unconfirmed', reason: label(open.part, open.v.reason) };
    return { ...base, status: verdicts.every((x) => x.v.status === 'unchanged') ? 'unchanged' : 'written' };
  }

  async function ping(): Promise<PingResult> {
    const endpoint = `${config.baseUrl}/v1/vendors?pageSize=1`;
    const started = nowMs();
    const result = (ok: boolean, message: string, code?: string): PingResult => {
      const expires = auth.expiresAt();
      return {
        system: BASWARE_SYSTEM,
        displayName: BASWARE_DISPLAY_NAME,
        endpoint,
        latencyMs: nowMs() - started,
        ok,
        message,
        ...(expires ? { tokenExpiresAt: expires } : {}),
        ...(code ? { code } : {}),
      };
    };
    try {
      await auth.getToken();
      const res = await http.request<unknown>({
        method: 'GET',
        url: '/v1/vendors',
        query: { pageSize: 1 },
        idempotent: true,
        // 404 is Basware's "no records" (§3.3): the credentials work, there are just no vendors yet.
        okStatuses: [404],
        headers: correlation(),
        label: 'ping',
      });
      const what = res.status === 404 ? 'no vendors posted through the API yet' : 'vendors readable';
      return result(true, `token ok (region ${config.region}), ${what}`);
    } catch (err) {
      if (err instanceof AuthError || (err instanceof HttpError && (err.status === 401 || err.status === 403))) {
        const hint = err.message.includes('BASWARE_CLIENT_ID')
          ? ''
          : ` Check ${BASWARE_CREDENTIAL_ENV}, and that the API client belongs to region ${config.region} at ${host}.`;
        return result(false, `${err.message}${hint}`, 'AUTH_FAILED');
      }
      if (isMlsyncError(err)) return result(false, err.message, err.code);
      throw err;
    }
  }

  return {
    system: BASWARE_SYSTEM,
    displayName: BASWARE_DISPLAY_NAME,
    mirrorTargets: BASWARE_MIRROR_TARGETS,
    batchSize,
    checkMirror,
    submitMirror,
    confirmMirror,
    ping,
    documents,
  };
}
