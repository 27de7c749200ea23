/**
 * Signing of push notifications as the sender (apis/basware.md §6, MODELED M7): HMAC-SHA256 keyed with
 * the UTF-8 bytes of the subscription's webhookAuthenticationToken, over ASCII(timestamp) ‖ '.' ‖ the
 * exact body bytes, sent as `sha256=<lowercase hex>`. An independent implementation: nothing is shared
 * with the mlsync receiver, so a test pairing the two checks both against the reference.
 */
import { createHmac } from 'node:crypto';

export const TIMESTAMP_HEADER = 'X-BWAPI-Timestamp';
export const SIGNATURE_HEADER = 'X-BWAPI-Signature-256';
export const DELIVERY_ATTEMPT_HEADER = 'X-BWAPI-Delivery-Attempt';
export const NOTIFICATION_CONTENT_TYPE = 'application/json; charset=utf-8';

const SIGNATURE_PREFIX = 'sha256=';

/** `sha256=<hex>` for `body` sent at `timestampSeconds` (epoch seconds) under `secret`. */
export function signNotification(body: string | Buffer, secret: string, timestampSeconds: number): string {
  if (!Number.isInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new Error(`signNotification: timestampSeconds must be a non-negative integer of epoch seconds, got ${timestampSeconds}`);
  }
  // The key is the token's UTF-8 bytes, not base64-decoded and not Latin-1 (§6 test vector 2).
  const hmac = createHmac('sha256', Buffer.from(secret, 'utf8'));
  hmac.update(`${timestampSeconds}.`, 'ascii');
  hmac.update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
  return `${SIGNATURE_PREFIX}${hmac.digest('hex')}`;
}

/** The headers of one delivery attempt; the signature is fresh per attempt because the timestamp is. */
export function notificationHeaders(body: Buffer, secret: string, timestampSeconds: number, attempt: number): Record<string, string> {
  return {
    'Content-Type': NOTIFICATION_CONTENT_TYPE,
    'Content-Length': String(body.length),
    [TIMESTAMP_HEADER]: String(timestampSeconds),
    [SIGNATURE_HEADER]: signNotification(body, secret, timestampSeconds),
    [DELIVERY_ATTEMPT_HEADER]: String(attempt),
  };
}
