/**
 * What a failed exchange without an HTTP answer means: may it be repeated, and may the request have
 * reached the server? The second question decides whether a non-idempotent write is retried (nothing
 * can have landed) or reported as OutcomeUnknownError (design.md, "Posting exactly once").
 */

export interface NetworkFailure {
  /** ECONNREFUSED, ECONNRESET, ETIMEDOUT, ... */
  code: string;
  /** Short operator text: "ECONNREFUSED", "no answer within 60 s". */
  reason: string;
  /** Worth trying again (the network or the server may recover). */
  transient: boolean;
  /** The request may have reached the server; false only when it certainly did not. */
  maybeSent: boolean;
}

/** Failures that happen before a connection exists: nothing was sent. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'EADDRNOTAVAIL']);

/** Failures that often pass: a server restarting, a dropped connection, a DNS hiccup. */
const TRANSIENT_CODES = new Set([
  ...NOT_SENT_CODES,
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ECONNABORTED',
  'ESOCKETTIMEDOUT',
]);

/** got timeout phases that end before the request is written. */
const PRE_SEND_TIMEOUT_EVENTS = new Set(['lookup', 'connect', 'secureConnect']);

interface ErrorLike {
  name?: string;
  code?: string;
  message?: string;
  event?: string;
  cause?: unknown;
}

function rootCode(err: ErrorLike): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as ErrorLike).code;
    if (typeof code === 'string' && code !== 'ERR_GOT_REQUEST_ERROR') return code;
    current = (current as ErrorLike).cause;
  }
  return undefined;
}

export function describeNetworkFailure(error: unknown, timeoutMs: number): NetworkFailure {
  const err = (error && typeof error === 'object' ? error : {}) as ErrorLike;
  if (err.name === 'TimeoutError') {
    return {
      code: 'ETIMEDOUT',
      reason: `no answer within ${formatSeconds(timeoutMs)}`,
      transient: true,
      maybeSent: !PRE_SEND_TIMEOUT_EVENTS.has(err.event ?? ''),
    };
  }
  const message = typeof err.message === 'string' ? err.message : String(error);
  let code = rootCode(err);
  if (!code && /socket hang up/i.test(message)) code = 'ECONNRESET';
  if (!code) {
    return { code: 'UNKNOWN', reason: message.slice(0, 200), transient: false, maybeSent: true };
  }
  return {
    code,
    reason: code,
    transient: TRANSIENT_CODES.has(code),
    maybeSent: !NOT_SENT_CODES.has(code),
  };
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
