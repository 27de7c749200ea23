/**
 * The Infor CloudSuite (M3 via ION API) ERP connector: .ionapi → password-grant token provider →
 * one sequential HTTP client → M3 transactions → canonical master data, and supplier invoices
 * posted as APS450MI batches (invoices.ts).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { httpClientOptions } from '../../http/settings.js';
import { createOAuthProvider } from '../../auth/oauth.js';
import { createEncryptedTokenCache } from '../../auth/token-cache.js';
import type { TokenProvider } from '../../auth/types.js';
import { AuthError, ConfigError, HttpError, isMlsyncError } from '../../errors.js';
import { createHttpClient } from '../../http/client.js';
import type { HttpClient } from '../../http/types.js';
import type { MirrorEntity } from '../../model/entities.js';
import type { ConnectorDeps, ErpConnector, MirrorRead, MirrorRecordTypes, PingResult, ReadContext } from '../types.js';
import type { InforConfig } from './config.js';
import {
  INFOR_DISPLAY_NAME,
  INFOR_IONAPI_ENV,
  INFOR_SYSTEM,
  INFOR_TOKEN_REFRESH_FRACTION,
  INFOR_TOKEN_REFRESH_MIN_SECONDS,
  M3_TRANSACTIONS,
} from './descriptor.js';
import { createInforInvoices } from './invoices.js';
import { loadIonApi } from './ionapi.js';
import { createM3Client } from './m3-client.js';
import { isLmts } from './m3-values.js';
import { mapCostCenter, mapGlAccount } from './mapping.js';
import { readAccountingIds } from './readers/accounting-ids.js';
import type { ReaderContext } from './readers/context.js';
import { readPurchaseOrders } from './readers/purchase-orders.js';
import { readSuppliers } from './readers/suppliers.js';

export const INFOR_MIRROR_ENTITIES = ['suppliers', 'purchaseOrders', 'glAccounts', 'costCenters'] as const satisfies readonly MirrorEntity[];

/** Test seams; production code passes none. */
export interface InforConnectorOptions {
  /** How the HTTP client sleeps between retries, and invoice posting between status polls. */
  sleep?: (ms: number) => Promise<void>;
}

export function createInforConnector(config: InforConfig, deps: ConnectorDeps, options: InforConnectorOptions = {}): ErpConnector {
  const ionapi = loadIonApi(config.ionapi, deps.configDir);
  const { file } = ionapi;
  for (const secret of [file.cs, file.sask, file.saak, file.ci]) deps.redactor.add(secret);

  const httpBase = httpClientOptions(config.http, { system: INFOR_SYSTEM, displayName: INFOR_DISPLAY_NAME }, deps, options.sleep);

  // Token calls get their own client: the gateway client's auth provider depends on it.
  const tokenHttp = createHttpClient(httpBase);
  const auth: TokenProvider = createOAuthProvider({
    system: INFOR_SYSTEM,
    displayName: INFOR_DISPLAY_NAME,
    tokenUrl: ionapi.tokenUrl,
    clientId: file.ci,
    clientSecret: file.cs,
    clientAuth: 'basic',
    // saak already carries the "TENANT#" prefix: sent unchanged (§3).
    grant: { type: 'password', username: file.saak, password: file.sask },
    http: tokenHttp,
    refreshFraction: INFOR_TOKEN_REFRESH_FRACTION,
    refreshMinSeconds: INFOR_TOKEN_REFRESH_MIN_SECONDS,
    useRefreshToken: true,
    // No cacheKey: the default one hashes the client id, which the ledger would otherwise hold in clear.
    ...(deps.tokenStore ? { cache: createEncryptedTokenCache(deps.tokenStore, [file.cs, file.sask]) } : {}),
    credentialHint: `${INFOR_IONAPI_ENV} (${ionapi.source}): the ci/cs and saak/sask keys of the Backend Service app`,
    redactor: deps.redactor,
    ...(deps.now ? { now: () => (deps.now as () => Date)().getTime() } : {}),
  });
  const http: HttpClient = createHttpClient({ ...httpBase, auth });

  // The budget is per run: a connector reused for a later run starts a fresh count.
  let runKey: number | undefined;
  let runBaseline = 0;
  const budget = { limit: config.m3.maxCallsPerRun, used: () => http.requestCount - runBaseline };
  const m3 = createM3Client({ http, gatewayBase: ionapi.gatewayBase, company: config.company, budget });
  const rc: ReaderContext = { m3, config };
  const invoices = createInforInvoices({ m3, config, sleep: options.sleep ?? ((ms) => delay(ms)) });

  function startRun(ctx: ReadContext): void {
    const key = ctx.runStartedAt.getTime();
    if (key !== runKey) {
      runKey = key;
      runBaseline = http.requestCount;
    }
  }

  function readMirror<E extends MirrorEntity>(entity: E, since: string | null, ctx: ReadContext): MirrorRead<MirrorRecordTypes[E]> {
    if (since !== null && !isLmts(since)) {
      // Every Infor watermark is an M3 LMTS; anything else was stored by something else and would filter wrongly.
      throw new ConfigError(
        `${INFOR_DISPLAY_NAME}: the stored ${entity} watermark "${since}" is not an M3 timestamp (17 digits, yyyyMMddHHmmssSSS). ` +
          `Reset the watermark of this flow so the next run reads everything again.`,
        [],
        { system: INFOR_SYSTEM },
      );
    }
    startRun(ctx);
    const read = (): MirrorRead<unknown> => {
      switch (entity) {
        case 'suppliers':
          return readSuppliers(rc, since, ctx);
        case 'purchaseOrders':
          return readPurchaseOrders(rc, since);
        case 'glAccounts':
          return readAccountingIds(rc, since, ctx, { aitp: config.m3.accountAitp, what: 'GL account', map: mapGlAccount });
        case 'costCenters':
          return readAccountingIds(rc, since, ctx, { aitp: config.m3.costCenterAitp, what: 'cost center', map: mapCostCenter });
        default:
          throw new Error(`Infor connector cannot read mirror entity ${String(entity)}`);
      }
    };
    return read() as MirrorRead<MirrorRecordTypes[E]>;
  }

  async function ping(): Promise<PingResult> {
    const probe = { maxrecs: 1 };
    const endpoint = m3.url(M3_TRANSACTIONS.lstSuppliers, {}, probe);
    const started = Date.now();
    const result = (ok: boolean, message: string, code?: string): PingResult => {
      const expires = auth.expiresAt();
      return {
        system: INFOR_SYSTEM,
        displayName: INFOR_DISPLAY_NAME,
        endpoint,
        latencyMs: Date.now() - started,
        ok,
        message,
        ...(expires ? { tokenExpiresAt: expires } : {}),
        ...(code ? { code } : {}),
      };
    };
    try {
      await auth.getToken();
      const rows = await m3.call(M3_TRANSACTIONS.lstSuppliers, {}, probe);
      return result(true, `token ok, read ${rows.length} supplier${rows.length === 1 ? '' : 's'} from company ${config.company}`);
    } catch (err) {
      if (err instanceof AuthError || (err instanceof HttpError && (err.status === 401 || err.status === 403))) {
        return result(false, loginRefused(err.message), 'AUTH_FAILED');
      }
      if (isMlsyncError(err)) return result(false, err.message, err.code);
      throw err;
    }
  }

  function loginRefused(detail: string): string {
    const hint = detail.includes(INFOR_IONAPI_ENV) ? '' : ` Check ${INFOR_IONAPI_ENV} (${ionapi.source}): the app's ci/cs and service account saak/sask.`;
    return `${detail}${hint}`;
  }

  return {
    system: INFOR_SYSTEM,
    displayName: INFOR_DISPLAY_NAME,
    mirrorEntities: INFOR_MIRROR_ENTITIES,
    readMirror,
    ping,
    invoices,
  };
}
