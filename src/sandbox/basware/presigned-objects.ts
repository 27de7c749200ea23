/**
 * The S3 side of Basware's redirects (apis/basware.md §3.3, MODELED): a redirected GET's answer is kept as
 * an object under `/_s3/<key>` and handed out through a pre-signed URL. The follow-up request must carry
 * no `Authorization` (400 InvalidArgument) and must arrive within `X-Amz-Expires` (403 AccessDenied).
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { SimRequest, SimResponse } from '../kit/server.js';

export const S3_PATH_PREFIX = '/_s3/';

interface StoredObject {
  body: string;
  headers: Record<string, string>;
  expiresAtMs: number;
}

function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function parseAmzDate(text: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  return Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
}

function s3Error(status: number, code: string, message: string): SimResponse {
  return {
    status,
    headers: { 'content-type': 'application/xml' },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  };
}

export class PresignedObjects {
  private readonly key = randomBytes(32);
  private readonly objects = new Map<string, StoredObject>();

  private sign(objectKey: string, date: string, expires: string): string {
    return createHmac('sha256', this.key).update(`${objectKey}\n${date}\n${expires}`).digest('hex');
  }

  /** Store a JSON answer and return the pre-signed Location for it. */
  put(body: string, headers: Record<string, string>, baseUrl: string, nowMs: number, ttlSeconds: number): string {
    for (const [k, o] of this.objects) if (o.expiresAtMs < nowMs) this.objects.delete(k);
    const objectKey = `exports/${randomUUID()}.json`;
    const date = amzDate(nowMs);
    const expires = String(ttlSeconds);
    this.objects.set(objectKey, { body, headers, expiresAtMs: nowMs + ttlSeconds * 1000 });
    const query = new URLSearchParams({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Date': date,
      'X-Amz-Expires': expires,
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Signature': this.sign(objectKey, date, expires),
    });
    return `${baseUrl.replace(/\/+$/, '')}${S3_PATH_PREFIX}${objectKey}?${query.toString()}`;
  }

  /** Answer a GET of `/_s3/<key>?X-Amz-…`. */
  get(req: SimRequest, nowMs: number): SimResponse {
    if (req.headers.authorization !== undefined) {
      return s3Error(400, 'InvalidArgument', 'Only one auth mechanism allowed');
    }
    const objectKey = req.path.slice(S3_PATH_PREFIX.length);
    const date = req.query.get('X-Amz-Date') ?? '';
    const expires = req.query.get('X-Amz-Expires') ?? '';
    const signature = req.query.get('X-Amz-Signature') ?? '';
    const expected = this.sign(objectKey, date, expires);
    const signedAt = parseAmzDate(date);
    if (signedAt === undefined || signature.length !== expected.length || !timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) {
      return s3Error(403, 'AccessDenied', 'Access Denied');
    }
    if (nowMs > signedAt + Number(expires) * 1000) return s3Error(403, 'AccessDenied', 'Request has expired');
    const object = this.objects.get(objectKey);
    if (!object) return s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
    return { status: 200, headers: { 'content-type': 'application/json', ...object.headers }, body: object.body };
  }

  clear(): void {
    this.objects.clear();
  }
}
