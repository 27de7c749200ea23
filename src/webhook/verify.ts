/**
 * Webhook signature check (apis/basware.md §6, MODELED M7): HMAC-SHA256 keyed with the UTF-8 bytes of
 * each active secret, over ASCII(timestamp) ‖ '.' ‖ the raw body bytes, compared in constant time.
 * Reasons are for logs and tests; they never contain a secret or a signature.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** `webhookToleranceSeconds` default (apis/basware.md §6). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const SIGNATURE_PREFIX = 'sha256=';
const TIMESTAMP_PATTERN = /^[0-9]{1,15}$/;
const HEX_SHA256_PATTERN = /^[0-9a-f]{64}$/i;
const DOT = Buffer.from('.', 'ascii');

export interface VerifyInput {
  rawBody: Buffer;
  timestampHeader?: string | undefined;
  signatureHeader?: string | undefined;
  /** Current secret first, then the previous one during a rotation. Empty strings are ignored. */
  secrets: readonly string[];
  nowSeconds: number;
  toleranceSeconds: number;
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

export function verifySignature(input: VerifyInput): VerifyResult {
  const timestamp = input.timestampHeader?.trim();
  if (!timestamp) return { ok: false, reason: 'timestamp header missing' };
  if (!TIMESTAMP_PATTERN.test(timestamp)) return { ok: false, reason: 'timestamp header is not Unix epoch seconds' };
  if (Math.abs(input.nowSeconds - Number(timestamp)) > input.toleranceSeconds) {
    return { ok: false, reason: `timestamp is more than ${input.toleranceSeconds} s away from now` };
  }

  const signature = input.signatureHeader?.trim();
  if (!signature) return { ok: false, reason: 'signature header missing' };
  const hex = signature.toLowerCase().startsWith(SIGNATURE_PREFIX) ? signature.slice(SIGNATURE_PREFIX.length) : signature;
  if (!HEX_SHA256_PATTERN.test(hex)) return { ok: false, reason: 'signature header is not a hex SHA-256 digest' };
  const given = Buffer.from(hex, 'hex');

  const secrets = input.secrets.filter((s) => s.length > 0);
  if (secrets.length === 0) return { ok: false, reason: 'no webhook secret configured' };
  let matched = false;
  // Every secret is tried, even after a match, so the time taken does not say which one matched.
  for (const secret of secrets) {
    const expected = signatureBytes(secret, timestamp, input.rawBody);
    if (expected.length === given.length && timingSafeEqual(expected, given)) matched = true;
  }
  return matched ? { ok: true } : { ok: false, reason: 'signature matches no configured secret' };
}

/** The raw HMAC digest for one secret; also what the simulator and tests sign with. */
export function signatureBytes(secret: string, timestamp: string, rawBody: Buffer): Buffer {
  return createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(Buffer.from(timestamp, 'ascii'))
    .update(DOT)
    .update(rawBody)
    .digest();
}

/** The header value a sender puts in X-BWAPI-Signature-256: `sha256=` + lowercase hex. */
export function signatureHeader(secret: string, timestamp: string, rawBody: Buffer): string {
  return SIGNATURE_PREFIX + signatureBytes(secret, timestamp, rawBody).toString('hex');
}
