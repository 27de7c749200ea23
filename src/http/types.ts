/**
 * The HTTP layer's contract. Connectors build requests, the client sends them with timeouts,
 * retries (only where repeating is safe), Retry-After, a client-side rate limit, 401 → one refresh
 * and one retry, redaction and tracing. Implemented in `client.ts`.
 */
import type { TokenProvider } from '../auth/types.js';
import type { Redactor } from '../secrets/redactor.js';

export interface RetryPolicy {
  /** Attempts in all, the first included (Infor and Basware: 6). */
  attempts: number;
  /** First backoff ceiling in ms; full jitter picks uniformly in [0, ceiling]. */
  baseDelayMs: number;
  /** Growth of the ceiling per attempt. */
  factor: number;
  /** Largest backoff ceiling in ms. */
  maxDelayMs: number;
  /**
   * Longest Retry-After we wait for. A 429 asking for longer ends the call with
   * QuotaExhaustedError so the run can stop as partial instead of sleeping (Infor daily quota).
   */
  maxRetryAfterSeconds: number;
  /** How many 429 waits one call may take before giving up (429 waits do not consume attempts). */
  max429Waits: number;
}

export interface RateLimit {
  /** Requests allowed in any rolling minute; 0 or absent = unlimited. */
  requestsPerMinute?: number;
  /** Requests in flight at once (Infor: 1, Basware: 4). */
  concurrency?: number;
}

export interface HttpClientOptions {
  /** Short system name used in errors, traces and audit: 'infor', 'basware'. */
  system: string;
  /** Human name used in operator messages: 'Infor CloudSuite', 'Basware'. */
  displayName?: string;
  /** Prefix for relative request URLs. */
  baseUrl?: string;
  timeoutMs: number;
  retry: RetryPolicy;
  rateLimit?: RateLimit;
  /** Adds `Authorization: Bearer …`; on a 401 the token is invalidated and the call retried once. */
  auth?: TokenProvider;
  /** Default headers for every request (Accept and the like). */
  headers?: Record<string, string>;
  redactor: Redactor;
  trace?: TraceSink;
  /** Injected for tests: how the client sleeps. */
  sleep?: (ms: number) => Promise<void>;
}

export type QueryValue = string | number | boolean | undefined;

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute URL, or a path joined to the client's baseUrl. */
  url: string;
  /** Query parameters in order; undefined values are left out. */
  query?: Record<string, QueryValue> | Array<[string, string]>;
  headers?: Record<string, string>;
  /** JSON body (sets Content-Type: application/json unless a header says otherwise). */
  json?: unknown;
  /** Form body, application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  /** Raw body. */
  body?: string | Buffer;
  /**
   * True when sending the request twice cannot do harm (reads, lookups, Basware upserts). Only then
   * are 5xx and network errors retried. A non-idempotent request that fails without a definite answer
   * raises OutcomeUnknownError.
   */
  idempotent: boolean;
  /** Send the client's token (default true). False for token endpoints and pre-signed URLs. */
  auth?: boolean;
  /** Statuses returned to the caller instead of raised as HttpError (e.g. [302, 404]). 2xx are always returned. */
  okStatuses?: number[];
  /** Per-request timeout override. */
  timeoutMs?: number;
  /** Short description for traces and errors ('LstSuppliers page 3'). */
  label?: string;
}

export interface HttpResponse<T = unknown> {
  status: number;
  /** Response headers, names lower-cased. */
  headers: Record<string, string>;
  /** Parsed JSON when the response is JSON, else the text (empty string for no body). */
  body: T;
  /** The raw text of the body. */
  text: string;
  url: string;
  durationMs: number;
}

export interface HttpClient {
  readonly system: string;
  request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>>;
  /** Requests sent so far by this client, attempts included (budgets such as Infor's maxCallsPerRun). */
  readonly requestCount: number;
}

/** One HTTP exchange as written to a `--trace` file: one JSON object per line, secrets redacted. */
export interface TraceEntry {
  ts: string;
  system: string;
  label?: string;
  attempt: number;
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody?: string;
  status?: number;
  responseHeaders?: Record<string, string>;
  responseBody?: string;
  durationMs: number;
  error?: string;
}

export interface TraceSink {
  write(entry: TraceEntry): void;
  close(): Promise<void>;
}
