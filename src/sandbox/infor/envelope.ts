/**
 * What the ION gateway answers: the M3 REST v2 envelope (apis/infor.md §4), business errors as HTTP 200, and
 * the MODELED gateway error bodies for 400/401/404/405/429/5xx.
 */
import type { SimResponse } from '../kit/server.js';

export type M3Record = Record<string, string>;

/** Error codes sent in the MODELED `errorCode` field; clients may log them but must not rely on them. */
export const M3_ERROR_CODE = {
  FIELD_UNKNOWN: 'XFI0001',
  MANDATORY: 'WCO0101',
  INVALID_VALUE: 'WCO0102',
  NOT_AUTHORIZED: 'XAU0100',
  NOT_FOUND: 'WRE0103',
  SUPPLIER_NOT_FOUND: 'WSU0103',
  SUPPLIER_BLOCKED: 'WSU0190',
  STATUS: 'WST0190',
  NOT_BALANCED: 'WBA0101',
  INVALID_QUERY: 'XQU0001',
} as const;

/** A business error: the transaction ran and refused (HTTP 200 + errorMessage, §4). */
export class M3Error extends Error {
  constructor(
    message: string,
    readonly errorCode: string = M3_ERROR_CODE.INVALID_VALUE,
    readonly errorField = '',
  ) {
    super(message);
  }
}

/** The v2 envelope of a successful transaction. The misspelling `nrOfSuccessfullTransactions` is Infor's (§4). */
export function successEnvelope(transaction: string, records: M3Record[]): unknown {
  return {
    results: [{ transaction, records }],
    wasTerminated: false,
    nrOfSuccessfullTransactions: 1,
    nrOfFailedTransactions: 0,
  };
}

/** The v2 envelope of a business error; `errorType/errorCode/errorField` are MODELED extras (§1). */
export function errorEnvelope(transaction: string, err: M3Error, messageWidth = 0): unknown {
  return {
    results: [
      {
        transaction,
        // M3 messages may carry trailing spaces (§4); padded like an A-field when output is padded.
        errorMessage: err.message.padEnd(messageWidth, ' '),
        errorType: 'ServerReturnedNOK',
        errorCode: err.errorCode,
        errorField: err.errorField,
        records: [],
      },
    ],
    wasTerminated: false,
    nrOfSuccessfullTransactions: 0,
    nrOfFailedTransactions: 1,
  };
}

export function badRequest(message: string): SimResponse {
  return { status: 400, body: { error: 'Bad Request', message } };
}

export function notFound(message: string): SimResponse {
  return { status: 404, body: { error: 'Not Found', message } };
}

export function methodNotAllowed(): SimResponse {
  return { status: 405, headers: { allow: 'GET' }, body: { error: 'Method Not Allowed' } };
}

export function tooManyRequests(retryAfterSeconds: number, message: string): SimResponse {
  return {
    status: 429,
    headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
    body: { error: 'Too Many Requests', message },
  };
}

export function invalidToken(description: string): SimResponse {
  return {
    status: 401,
    headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
    body: { error: 'invalid_token', error_description: description },
  };
}

export function serverFault(status: 502 | 503, message: string): SimResponse {
  const error = status === 502 ? 'Bad Gateway' : 'Service Unavailable';
  return { status, body: { error, message } };
}
