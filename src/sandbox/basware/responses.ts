/**
 * Response bodies of the Basware P2P API (apis/basware.md §3.4): the verified ResponseEntityList for
 * 400/409/500, and the MODELED (M3) bodies for 401/404/405/413/429/503.
 */
import type { SimResponse } from '../kit/server.js';

/** Header carrying the request id on every API response; equals ResponseEntityList.requestId (§2). */
export const REQUEST_ID_HEADER = 'x-amzn-RequestId';
/** Response header announcing more pages (§3.3). */
export const CONTINUATION_RESPONSE_HEADER = 'X-amz-meta-continuationToken';
/** Request header carrying the token of the next page; header only (§3.3, S5). Lower-case as Node delivers it. */
export const CONTINUATION_REQUEST_HEADER = 'x-amz-meta-continuationtoken';

export type ErrorType = 'BUSINESS' | 'VALIDATION' | 'TECHNICAL' | 'SECURITY';
export type ErrorCode =
  | 'EXTERNAL_CODE_MISMATCH'
  | 'SCHEMA_VALIDATION_ERROR'
  | 'CONFLICT_IN_POST'
  | 'PARAMETER_VALIDATION_ERROR'
  | 'UNEXPECTED_ERROR'
  | 'METHOD_NOT_ALLOWED'
  | 'ENTITY_NOT_FOUND'
  | 'DATA_VALIDATION_FAILED';

export interface ErrorEntity {
  externalCode: string | null;
  type: ErrorType;
  code: ErrorCode;
  message: string;
  info: string | null;
}

export function errorList(status: number, requestId: string, errors: ErrorEntity[]): SimResponse {
  return {
    status,
    headers: { [REQUEST_ID_HEADER]: requestId },
    body: { requestId, hasErrors: true, errors },
  };
}

/** One-error ResponseEntityList. */
export function singleError(
  status: number,
  requestId: string,
  type: ErrorType,
  code: ErrorCode,
  message: string,
  externalCode: string | null = null,
  info: string | null = null,
): SimResponse {
  return errorList(status, requestId, [{ externalCode, type, code, message, info }]);
}

export function parameterError(requestId: string, message: string): SimResponse {
  return singleError(400, requestId, 'VALIDATION', 'PARAMETER_VALIDATION_ERROR', message);
}

export function ok(requestId: string, body: unknown, headers: Record<string, string> = {}): SimResponse {
  return { status: 200, headers: { [REQUEST_ID_HEADER]: requestId, ...headers }, body };
}

/** 404 with an empty body: unknown record, or a list with no match (§3.3, §3.4). */
export function notFound(requestId: string): SimResponse {
  return { status: 404, headers: { [REQUEST_ID_HEADER]: requestId }, body: '' };
}

export function unauthorized(requestId: string): SimResponse {
  return { status: 401, headers: { [REQUEST_ID_HEADER]: requestId }, body: { message: 'Unauthorized' } };
}

export function tooManyRequests(requestId: string, retryAfterSeconds: number): SimResponse {
  return {
    status: 429,
    headers: { [REQUEST_ID_HEADER]: requestId, 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
    body: { message: 'Too Many Requests' },
  };
}

export function tooLarge(requestId: string): SimResponse {
  return { status: 413, headers: { [REQUEST_ID_HEADER]: requestId }, body: { message: 'Request Too Long' } };
}

/** 503 as ResponseEntityList TECHNICAL/UNEXPECTED_ERROR, deliberately without Retry-After (§3.4). */
export function serviceUnavailable(requestId: string, message: string, externalCode: string | null = null): SimResponse {
  return singleError(503, requestId, 'TECHNICAL', 'UNEXPECTED_ERROR', message, externalCode);
}

export function methodNotAllowed(requestId: string, message: string, externalCode: string | null): SimResponse {
  return singleError(405, requestId, 'BUSINESS', 'METHOD_NOT_ALLOWED', message, externalCode);
}

/** 200 whose body is a JSON string (acknowledge answers, S1); the kit would send a bare string unquoted. */
export function okJsonString(requestId: string, text: string): SimResponse {
  return ok(requestId, JSON.stringify(text), { 'content-type': 'application/json; charset=utf-8' });
}

/** Tells a handler's early-return response apart from a parsed value. */
export function isResponse(value: unknown): value is SimResponse {
  return typeof value === 'object' && value !== null && 'status' in value && typeof (value as SimResponse).status === 'number';
}
