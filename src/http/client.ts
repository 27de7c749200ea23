/**
 * The one HTTP client factory (contract: ./types.ts). Each request goes through, in order:
 * the token (outside the queue, so a token call on the same client cannot deadlock it), the
 * per-client queue (concurrency and requests per rolling minute), one got exchange with redirects
 * and got's own retries off, the trace, then the status rules:
 *
 * - 2xx and `okStatuses` are returned;
 * - 429 waits Retry-After (or a backoff) without consuming an attempt; too long a wait ends the call;
 * - 401 with our token: invalidate, new token, one more try; 401 again or 403 → AuthError;
 * - 500/502/503/504 and transient network errors are retried with full-jitter backoff, but only for
 *   idempotent requests; a non-idempotent request that may have landed → OutcomeUnknownError.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import got from 'got';
import PQueue from 'p-queue';
import pRetry from 'p-retry';
import {
  AuthError,
  ConfigError,
  ConnectionError,
  HttpError,
  OutcomeUnknownError,
  QuotaExhaustedError,
  type HttpSummary,
} from '../errors.js';
import { fullJitterDelayMs, parseRetryAfterSeconds } from './backoff.js';
import { buildUrl, formBody } from './encoding.js';
import { describeNetworkFailure, type NetworkFailure } from './network-failure.js';
import type { HttpClient, HttpClientOptions, HttpRequest, HttpResponse, TraceEntry } from './types.js';

/** Server faults worth another try on an idempotent request. */
const RETRYABLE_STATUSES = new Set([500, 502, 503, 504]);
/** How much of a response body an HttpSummary (and so an error or audit entry) carries. */
const SUMMARY_BODY_CHARS = 500;
/** How much of a response body an error message quotes. */
const MESSAGE_BODY_CHARS = 200;
/** Bodies longer than this are cut in traces (a 6 MB import would make the trace unreadable). */
const TRACE_BODY_CHARS = 64 * 1024;
const RATE_LIMIT_WINDOW_MS = 60_000;
/** Vendor correlation ids, first found wins (apis/basware.md §2: x-amzn-RequestId). */
const REQUEST_ID_HEADERS = ['x-amzn-requestid', 'x-bw-request-id', 'x-request-id', 'x-correlation-id'];
const USER_AGENT = 'mlsync';

/** A failure another attempt may cure; p-retry retries only these. Never leaves this module. */
class TransientFailure extends Error {
  constructor(
    readonly summary: HttpSummary,
    readonly network?: NetworkFailure,
  ) {
    super(network ? network.reason : `HTTP ${summary.status}`);
  }
}

type Exchange = { response: HttpResponse<unknown> } | { error: unknown; durationMs: number };

interface RequestState {
  url: string;
  /** Exchanges sent for this request, 429 waits and the 401 retry included (numbers trace entries). */
  sends: number;
  /** Attempts in the sense of the retry policy. */
  attempts: number;
  waits429: number;
  authRetried: boolean;
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function lowerCaseNames(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name.toLowerCase()] = value;
  return out;
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  const wanted = name.toLowerCase();
  return Object.keys(headers).some((h) => h.toLowerCase() === wanted);
}

function isJsonContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && /[/+]json\b/i.test(contentType);
}

/** JSON when the response says so or looks like it; text otherwise (an S3 XML error body stays text). */
function parseBody(text: string, contentType: string | undefined): unknown {
  const trimmed = text.trimStart();
  const looksJson = trimmed.startsWith('{') || trimmed.startsWith('[');
  if (!isJsonContentType(contentType) && !(contentType === undefined && looksJson)) return text;
  if (trimmed === '') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…[${text.length - max} more chars]`;
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max)}…`;
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const { system, redactor, retry: policy } = options;
  const displayName = options.displayName ?? system;
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const requestsPerMinute = options.rateLimit?.requestsPerMinute ?? 0;
  const queue = new PQueue({
    concurrency: options.rateLimit?.concurrency ?? Number.POSITIVE_INFINITY,
    // A rolling window (strict), because the servers count requests in any 60 s (apis/basware.md §7).
    ...(requestsPerMinute > 0 ? { intervalCap: requestsPerMinute, interval: RATE_LIMIT_WINDOW_MS, strict: true } : {}),
  });
  let requestCount = 0;

  function where(method: string, url: string): string {
    return `${method} ${redactor.text(url)}`;
  }

  function summarize(req: HttpRequest, url: string, response?: HttpResponse<unknown>, durationMs?: number): HttpSummary {
    const summary: HttpSummary = { method: req.method, url: redactor.text(url) };
    if (response) {
      summary.status = response.status;
      if (response.text) summary.responseBody = redactor.text(response.text).slice(0, SUMMARY_BODY_CHARS);
      const id = REQUEST_ID_HEADERS.map((h) => response.headers[h]).find((v) => v !== undefined && v !== '');
      if (id !== undefined) summary.requestId = redactor.text(id);
      summary.durationMs = response.durationMs;
    } else if (durationMs !== undefined) {
      summary.durationMs = Math.round(durationMs);
    }
    return summary;
  }

  function traceExchange(entry: TraceEntry): void {
    if (!options.trace) return;
    try {
      options.trace.write(entry);
    } catch {
      // A trace is a diagnostic aid; failing to write it must not fail the sync.
    }
  }

  function requestBody(req: HttpRequest, headers: Record<string, string>): string | Buffer | undefined {
    if (req.json !== undefined) {
      if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json';
      return JSON.stringify(req.json);
    }
    if (req.form !== undefined) {
      if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/x-www-form-urlencoded';
      return formBody(req.form);
    }
    return req.body;
  }

  function traceBody(body: string | Buffer | undefined): string | undefined {
    if (body === undefined) return undefined;
    if (Buffer.isBuffer(body)) return `<${body.length} bytes>`;
    return cut(redactor.text(body), TRACE_BODY_CHARS);
  }

  /** One exchange on the wire. Never throws for an HTTP status; network failures come back as `error`. */
  async function send(req: HttpRequest, state: RequestState, token: string | undefined): Promise<Exchange> {
    // Lower-cased so a per-request header replaces a default of another spelling instead of doubling it.
    const headers: Record<string, string> = { 'user-agent': USER_AGENT, ...lowerCaseNames(options.headers), ...lowerCaseNames(req.headers) };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const body = requestBody(req, headers);
    const timeoutMs = req.timeoutMs ?? options.timeoutMs;
    const attempt = ++state.sends;
    requestCount++;
    const started = performance.now();
    const ts = new Date().toISOString();
    const traced: TraceEntry = {
      ts,
      system,
      ...(req.label !== undefined ? { label: req.label } : {}),
      attempt,
      method: req.method,
      url: redactor.text(state.url),
      requestHeaders: redactor.headers(headers),
      durationMs: 0,
    };
    const tracedBody = traceBody(body);
    if (tracedBody !== undefined) traced.requestBody = tracedBody;
    try {
      const res = await got(state.url, {
        method: req.method,
        headers,
        ...(body !== undefined ? { body } : {}),
        timeout: { request: timeoutMs },
        retry: { limit: 0 },
        throwHttpErrors: false,
        // Callers follow redirects themselves: Basware's pre-signed Location must be fetched without
        // Authorization (apis/basware.md §3.3).
        followRedirect: false,
        responseType: 'text',
      });
      const durationMs = Math.round(performance.now() - started);
      const responseHeaders = flattenHeaders(res.headers);
      const text = res.body ?? '';
      const response: HttpResponse<unknown> = {
        status: res.statusCode,
        headers: responseHeaders,
        body: parseBody(text, responseHeaders['content-type']),
        text,
        url: state.url,
        durationMs,
      };
      traceExchange({
        ...traced,
        status: res.statusCode,
        responseHeaders: redactor.headers(responseHeaders),
        ...(text !== '' ? { responseBody: cut(redactor.text(text), TRACE_BODY_CHARS) } : {}),
        durationMs,
      });
      return { response };
    } catch (error) {
      const durationMs = performance.now() - started;
      const failure = describeNetworkFailure(error, timeoutMs);
      traceExchange({ ...traced, durationMs: Math.round(durationMs), error: redactor.text(failure.reason) });
      return { error, durationMs };
    }
  }

  function isReturned(req: HttpRequest, status: number): boolean {
    return (status >= 200 && status < 300) || (req.okStatuses?.includes(status) ?? false);
  }

  async function waitFor429(req: HttpRequest, state: RequestState, response: HttpResponse<unknown>): Promise<void> {
    const summary = summarize(req, state.url, response);
    const retryAfter = parseRetryAfterSeconds(response.headers['retry-after']);
    if (retryAfter !== undefined && retryAfter > policy.maxRetryAfterSeconds) {
      throw new QuotaExhaustedError(
        `${displayName} is rate-limiting mlsync and asks to wait ${retryAfter} s before the next call (${where(req.method, state.url)}), ` +
          `more than the ${policy.maxRetryAfterSeconds} s mlsync waits. The API quota is probably used up for the day: the run stops here ` +
          `as partial and the next run continues where this one stopped.`,
        retryAfter,
        { system, cause: summary },
      );
    }
    state.waits429++;
    if (state.waits429 > policy.max429Waits) {
      throw new QuotaExhaustedError(
        `${displayName} kept answering 429 Too Many Requests to ${where(req.method, state.url)} after ${policy.max429Waits} waits. ` +
          `Another client may share the API quota; lower the request rate in the configuration or run less often.`,
        retryAfter ?? 0,
        { system, cause: summary },
      );
    }
    const waitMs = retryAfter !== undefined ? Math.ceil(retryAfter * 1000) : fullJitterDelayMs(policy, state.waits429);
    await sleep(waitMs);
  }

  function failOnStatus(req: HttpRequest, state: RequestState, response: HttpResponse<unknown>, usedToken: boolean): never {
    const status = response.status;
    const summary = summarize(req, state.url, response);
    const at = where(req.method, state.url);
    if (status === 401) {
      throw new AuthError(
        usedToken
          ? `${displayName} refused the access token twice (HTTP 401 to ${at}), although a new token was fetched in between. ` +
            `Check that the API client has the scopes this call needs, and that the token URL belongs to the same tenant and region as the API.`
          : `${displayName} refused ${at} with HTTP 401 Unauthorized. Check the credentials configured for ${displayName}.`,
        { system, cause: summary },
      );
    }
    if (status === 403) {
      throw new AuthError(
        `${displayName} refused ${at} with HTTP 403 Forbidden. Check that the API client or service account has the scopes ` +
          `or roles for this call.`,
        { system, cause: summary },
      );
    }
    if (status >= 500 && !req.idempotent) {
      throw new OutcomeUnknownError(
        `${displayName} answered HTTP ${status} to ${at}${labelOf(req)}; the write may or may not have landed. ` +
          `It is not sent again blind: the record is looked up first on the next attempt.`,
        summary,
        { system },
      );
    }
    if (RETRYABLE_STATUSES.has(status)) throw new TransientFailure(summary);
    throw new HttpError(httpErrorMessage(req, state, summary, 1), { ...summary, status }, { system });
  }

  function labelOf(req: HttpRequest): string {
    return req.label ? ` (${req.label})` : '';
  }

  function httpErrorMessage(req: HttpRequest, state: RequestState, summary: HttpSummary, attempts: number): string {
    const body = summary.responseBody ? `: ${oneLine(summary.responseBody, MESSAGE_BODY_CHARS)}` : '';
    const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
    const id = summary.requestId ? ` [request id ${summary.requestId}]` : '';
    return `${displayName} answered HTTP ${summary.status} to ${where(req.method, state.url)}${labelOf(req)}${tries}${body}${id}`;
  }

  function failOnNetwork(req: HttpRequest, state: RequestState, error: unknown, durationMs: number): never {
    const failure = describeNetworkFailure(error, req.timeoutMs ?? options.timeoutMs);
    const summary = summarize(req, state.url, undefined, durationMs);
    if (failure.transient && (req.idempotent || !failure.maybeSent)) throw new TransientFailure(summary, failure);
    if (failure.maybeSent && !req.idempotent) {
      throw new OutcomeUnknownError(
        `${displayName} did not answer ${where(req.method, state.url)}${labelOf(req)} (${failure.reason}); the write may or may not ` +
          `have landed. It is not sent again blind: the record is looked up first on the next attempt.`,
        summary,
        { system, cause: error },
      );
    }
    throw new ConnectionError(
      `Could not reach ${displayName} at ${originOf(state.url)} (${redactor.text(failure.reason)}); check the URL in the configuration ` +
        `and that this machine can reach it (network, proxy, firewall, TLS certificates).`,
      { system, retryable: false, cause: summary },
    );
  }

  /** One attempt in the retry policy's sense: 429 waits and the 401 retry happen inside it. */
  async function attempt(req: HttpRequest, state: RequestState): Promise<HttpResponse<unknown>> {
    state.attempts++;
    const provider = req.auth === false ? undefined : options.auth;
    for (;;) {
      const presetAuth = req.headers !== undefined && hasHeader(req.headers, 'authorization');
      const token = provider && !presetAuth ? await provider.getToken() : undefined;
      const exchange: Exchange = await queue.add(() => send(req, state, token));
      if ('durationMs' in exchange) failOnNetwork(req, state, exchange.error, exchange.durationMs);
      const { response } = exchange;
      if (isReturned(req, response.status)) return response;
      if (response.status === 429) {
        await waitFor429(req, state, response);
        continue;
      }
      if (response.status === 401 && token !== undefined && provider && !state.authRetried) {
        // The token expired early or was revoked: one fresh token, one more try (apis/infor.md §3).
        state.authRetried = true;
        provider.invalidate(token);
        continue;
      }
      failOnStatus(req, state, response, token !== undefined);
    }
  }

  async function request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    const url = buildUrl(options.baseUrl, req.url, req.query);
    try {
      new URL(url);
    } catch {
      throw new ConfigError(
        `${displayName}: "${redactor.text(url)}" is not a valid URL; check the base URL in the configuration.`,
        [],
        { system },
      );
    }
    const state: RequestState = { url, sends: 0, attempts: 0, waits429: 0, authRetried: false };
    try {
      const response = await pRetry(() => attempt(req, state), {
        retries: Math.max(0, policy.attempts - 1),
        // p-retry's own timer is off; the wait happens in shouldRetry through the injectable sleep.
        minTimeout: 0,
        shouldRetry: async ({ error, retriesConsumed }) => {
          if (!(error instanceof TransientFailure)) return false;
          await sleep(fullJitterDelayMs(policy, retriesConsumed + 1));
          return true;
        },
      });
      return response as HttpResponse<T>;
    } catch (error) {
      if (error instanceof TransientFailure) throw exhausted(req, state, error);
      throw error;
    }
  }

  function exhausted(req: HttpRequest, state: RequestState, failure: TransientFailure): Error {
    const tries = `${state.attempts} attempt${state.attempts === 1 ? '' : 's'}`;
    if (failure.network) {
      return new ConnectionError(
        `Could not reach ${displayName} at ${originOf(state.url)} (${failure.network.reason}) after ${tries}; check the URL in ` +
          `the configuration and that this machine can reach it (network, proxy, firewall).`,
        { system, cause: failure.summary },
      );
    }
    const summary = failure.summary;
    return new HttpError(httpErrorMessage(req, state, summary, state.attempts), { ...summary, status: summary.status ?? 0 }, {
      system,
      retryable: true,
    });
  }

  return {
    system,
    request,
    get requestCount() {
      return requestCount;
    },
  };
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
