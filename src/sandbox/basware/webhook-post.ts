/**
 * One signed POST to a subscriber's webhook URL (apis/basware.md §6). No connection pooling, so a test
 * receiver can close at any time; no answer within the timeout counts as a failed attempt.
 */
import http from 'node:http';
import https from 'node:https';
import { notificationHeaders } from './notification-signing.js';

export interface WebhookPostResult {
  /** HTTP status, or 0 when no answer came (timeout, refused, reset). */
  status: number;
  /** Why there was no answer; absent when a status came back. */
  error?: string;
}

export interface WebhookPost {
  url: string;
  body: Buffer;
  secret: string;
  timestampSeconds: number;
  attempt: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

export function postNotification(p: WebhookPost): Promise<WebhookPostResult> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(p.url);
    } catch {
      resolve({ status: 0, error: `invalid URL ${p.url}` });
      return;
    }
    const transport = target.protocol === 'https:' ? https : http;
    let settled = false;
    const finish = (result: WebhookPostResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = transport.request(target, {
      method: 'POST',
      agent: false,
      headers: notificationHeaders(p.body, p.secret, p.timestampSeconds, p.attempt),
      signal: p.signal,
    });
    const timer = setTimeout(() => {
      finish({ status: 0, error: `no answer within ${p.timeoutMs} ms` });
      req.destroy();
    }, p.timeoutMs);
    req.on('response', (res) => {
      // The answer body is irrelevant to the sender; drain it so the socket closes.
      res.resume();
      res.on('end', () => finish({ status: res.statusCode ?? 0 }));
      res.on('error', () => finish({ status: res.statusCode ?? 0 }));
    });
    req.on('error', (err) => finish({ status: 0, error: err.message }));
    req.end(p.body);
  });
}
