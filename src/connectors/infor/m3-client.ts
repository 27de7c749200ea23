/**
 * Calls one M3 MI transaction through the ION API gateway (apis/infor.md §2, §4): always a GET, with
 * `cono`, `righttrim=true` and (on reads) `maxrecs`; the envelope is parsed once here. A business
 * error is HTTP 200 with an errorMessage, so success is decided by the envelope rule, never by the
 * status alone. Reads may be retried by the HTTP client; writes never are (M3Transaction.idempotent).
 */
import { z } from 'zod';
import { BusinessRejection, ConfigError, QuotaExhaustedError, ResponseShapeError } from '../../errors.js';
import type { HttpClient } from '../../http/types.js';
import { INFOR_DISPLAY_NAME, INFOR_SYSTEM, M3_EXECUTE_PATH } from './descriptor.js';
import type { M3Transaction } from './descriptor.js';
import { trimRecord } from './m3-values.js';
import type { M3Record } from './m3-values.js';

/** A business error M3 reported in the envelope (HTTP 200 + errorMessage). */
export class M3BusinessError extends BusinessRejection {
  constructor(
    readonly program: string,
    readonly transaction: string,
    /** M3's own message, trimmed. */
    readonly m3Message: string,
    readonly m3Code?: string,
    readonly m3Field?: string,
  ) {
    super(`${INFOR_DISPLAY_NAME} ${program}/${transaction} refused: ${m3Message}`, { system: INFOR_SYSTEM });
  }
}

const M3Result = z.looseObject({
  transaction: z.string().optional(),
  records: z.array(z.record(z.string(), z.unknown())).nullish(),
  errorMessage: z.string().nullish(),
  errorCode: z.string().nullish(),
  errorField: z.string().nullish(),
});

const M3Envelope = z.looseObject({
  results: z.array(M3Result).nullish(),
  nrOfFailedTransactions: z.number().nullish(),
});

const GatewayError = z.looseObject({ message: z.string().optional(), error: z.string().optional() });

export type M3Fields = Record<string, string | undefined>;

export interface M3CallOptions {
  /** Records to ask for (`maxrecs`); 0 means all. Left out on Add/Valid/Dlt, which return at most one record. */
  maxrecs?: number;
}

export interface M3ClientOptions {
  http: HttpClient;
  gatewayBase: string;
  /** CONO, sent as option `cono` on every call (§2). */
  company: string;
  /** Calls allowed; checked before every call (erp.m3.maxCallsPerRun, §8). */
  budget: CallBudget;
}

export interface CallBudget {
  readonly limit: number;
  /** Calls already made in this run. */
  used(): number;
}

export interface M3Client {
  /** The records of the first result; throws M3BusinessError when the envelope says the call failed. */
  call(tx: M3Transaction, fields: M3Fields, opts: M3CallOptions): Promise<M3Record[]>;
  /** The URL of a call without the gateway host, for ping and messages (no secrets in it). */
  url(tx: M3Transaction, fields: M3Fields, opts: M3CallOptions): string;
}

/**
 * Percent-encodes a query value strictly (RFC 3986): EXPORTMI queries carry spaces, quotes and
 * comparison signs that must arrive intact (§5.3). Commas stay readable.
 */
export function encodeM3Value(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%2C/g, ',');
}

export function createM3Client(opts: M3ClientOptions): M3Client {
  const { http, company, budget } = opts;
  const base = opts.gatewayBase.replace(/\/+$/, '');

  function url(tx: M3Transaction, fields: M3Fields, call: M3CallOptions): string {
    const pairs: Array<[string, string]> = [];
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) pairs.push([k, v]);
    pairs.push(['cono', company], ['righttrim', 'true']);
    if (call.maxrecs !== undefined) pairs.push(['maxrecs', String(call.maxrecs)]);
    const query = pairs.map(([k, v]) => `${k}=${encodeM3Value(v)}`).join('&');
    return `${base}${M3_EXECUTE_PATH}/${tx.program}/${tx.transaction}?${query}`;
  }

  async function call(tx: M3Transaction, fields: M3Fields, callOpts: M3CallOptions): Promise<M3Record[]> {
    const name = `${tx.program}/${tx.transaction}`;
    if (budget.used() >= budget.limit) {
      throw new QuotaExhaustedError(
        `${INFOR_DISPLAY_NAME}: this run has made ${budget.used()} M3 API calls, its budget (erp.m3.maxCallsPerRun = ${budget.limit}). ` +
          `The run stops here as partial; the next run continues from the last stored watermark. Raise erp.m3.maxCallsPerRun ` +
          `if the tenant's daily quota (250,000 calls) allows it.`,
        0,
        { system: INFOR_SYSTEM },
      );
    }

    // Every value is sent pre-encoded in the URL so the exact encoding reaches the gateway (§5.3).
    const res = await http.request<unknown>({
      method: 'GET',
      url: url(tx, fields, callOpts),
      // A write is never repeated by the HTTP client: a 5xx or reset becomes OutcomeUnknownError (§6.3).
      idempotent: tx.idempotent,
      okStatuses: [400, 404],
      label: name,
    });

    if (res.status === 404) {
      throw new ConfigError(
        `${INFOR_DISPLAY_NAME} has no MI program/transaction ${name} (HTTP 404${gatewayMessage(res.body)}). ` +
          `Check that the program and transaction exist on this tenant (MRS001MI) and that the names are spelt in exact case.`,
        [`${name}: not found on the ION API gateway`],
        { system: INFOR_SYSTEM },
      );
    }
    if (res.status === 400) {
      throw new ConfigError(
        `${INFOR_DISPLAY_NAME} refused the request ${name} as malformed (HTTP 400${gatewayMessage(res.body)}). ` +
          `Check erp.m3.pageSize and the other erp.m3 settings.`,
        [`${name}: HTTP 400`],
        { system: INFOR_SYSTEM },
      );
    }

    const parsed = M3Envelope.safeParse(res.body);
    if (!parsed.success) {
      throw new ResponseShapeError(
        `${INFOR_DISPLAY_NAME} ${name} answered HTTP ${res.status} with a body that is not an M3 result envelope.`,
        { system: INFOR_SYSTEM },
      );
    }
    const results = parsed.data.results ?? [];
    const failed = results.find((r) => (r.errorMessage ?? '').trim() !== '');
    if (failed || (parsed.data.nrOfFailedTransactions ?? 0) > 0) {
      throw new M3BusinessError(
        tx.program,
        tx.transaction,
        failed?.errorMessage?.trim() || 'the transaction failed without a message',
        failed?.errorCode?.trim() || undefined,
        failed?.errorField?.trim() || undefined,
      );
    }
    return (results[0]?.records ?? []).map(trimRecord);
  }

  return { call, url };
}

function gatewayMessage(body: unknown): string {
  const parsed = GatewayError.safeParse(body);
  const msg = parsed.success ? (parsed.data.message ?? parsed.data.error) : undefined;
  return msg ? `: ${msg.trim()}` : '';
}
