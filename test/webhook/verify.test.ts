import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureHeader, verifySignature } from '../../src/webhook/verify.js';
import type { VerifyInput } from '../../src/webhook/verify.js';
import { VECTOR_1, VECTOR_2 } from './vectors.js';

const TOLERANCE = 300;

function check(vector: { secret: string; timestamp: string; body: string }, over: Partial<VerifyInput> = {}) {
  return verifySignature({
    rawBody: Buffer.from(vector.body, 'utf8'),
    timestampHeader: vector.timestamp,
    signatureHeader: signatureHeader(vector.secret, vector.timestamp, Buffer.from(vector.body, 'utf8')),
    secrets: [vector.secret],
    nowSeconds: Number(vector.timestamp),
    toleranceSeconds: TOLERANCE,
    ...over,
  });
}

describe('verifySignature (apis/basware.md §6)', () => {
  it('accepts test vector 1 as published', () => {
    expect(Buffer.byteLength(VECTOR_1.body)).toBe(224);
    expect(check(VECTOR_1, { signatureHeader: VECTOR_1.signature })).toEqual({ ok: true });
  });

  it('accepts test vector 2 (a UTF-8 key with ö, 63 key bytes)', () => {
    expect(Buffer.byteLength(VECTOR_2.secret, 'utf8')).toBe(63);
    expect(check(VECTOR_2, { signatureHeader: VECTOR_2.signature })).toEqual({ ok: true });
  });

  it('accepts the signature without prefix, and in upper case', () => {
    const hex = VECTOR_1.signature.slice('sha256='.length);
    expect(check(VECTOR_1, { signatureHeader: hex })).toEqual({ ok: true });
    expect(check(VECTOR_1, { signatureHeader: `SHA256=${hex.toUpperCase()}` })).toEqual({ ok: true });
    expect(check(VECTOR_1, { signatureHeader: hex.toUpperCase() })).toEqual({ ok: true });
  });

  it('rejects the HMAC over the body alone', () => {
    const bodyOnly = createHmac('sha256', VECTOR_1.secret).update(VECTOR_1.body).digest('hex');
    expect(bodyOnly).toBe(VECTOR_1.bodyOnlyHmac); // the negative check is the mistake it claims to be
    const res = check(VECTOR_1, { signatureHeader: `sha256=${bodyOnly}` });
    expect(res).toEqual({ ok: false, reason: 'signature matches no configured secret' });
  });

  it('rejects the HMAC keyed with the Latin-1 bytes of the secret', () => {
    const latin1 = createHmac('sha256', Buffer.from(VECTOR_2.secret, 'latin1'))
      .update(`${VECTOR_2.timestamp}.${VECTOR_2.body}`)
      .digest('hex');
    expect(latin1).toBe(VECTOR_2.latin1KeyHmac);
    expect(check(VECTOR_2, { signatureHeader: `sha256=${latin1}` }).ok).toBe(false);
  });

  it('rejects a tampered body and a wrong secret', () => {
    const tampered = Buffer.from(VECTOR_1.body.replace('138e7d94', '138e7d95'), 'utf8');
    expect(check(VECTOR_1, { signatureHeader: VECTOR_1.signature, rawBody: tampered }).ok).toBe(false);
    expect(check(VECTOR_1, { signatureHeader: VECTOR_1.signature, secrets: ['whsec-someone-else'] })).toEqual({
      ok: false,
      reason: 'signature matches no configured secret',
    });
  });

  it('rejects a signature made for another timestamp', () => {
    const res = check(VECTOR_1, { signatureHeader: VECTOR_1.signature, timestampHeader: '1710840500', nowSeconds: 1710840500 });
    expect(res.ok).toBe(false);
  });

  it('rejects missing and malformed headers, saying which', () => {
    expect(check(VECTOR_1, { timestampHeader: undefined })).toEqual({ ok: false, reason: 'timestamp header missing' });
    expect(check(VECTOR_1, { signatureHeader: undefined })).toEqual({ ok: false, reason: 'signature header missing' });
    expect(check(VECTOR_1, { timestampHeader: '1710840499000.5' }).ok).toBe(false);
    expect(check(VECTOR_1, { timestampHeader: '-1710840499' }).ok).toBe(false);
    expect(check(VECTOR_1, { timestampHeader: '2024-03-19T09:28:19Z' })).toEqual({
      ok: false,
      reason: 'timestamp header is not Unix epoch seconds',
    });
    expect(check(VECTOR_1, { signatureHeader: 'sha256=abc' })).toEqual({ ok: false, reason: 'signature header is not a hex SHA-256 digest' });
    expect(check(VECTOR_1, { signatureHeader: `sha1=${'0'.repeat(64)}` }).ok).toBe(false);
  });

  it('rejects a timestamp more than the tolerance away, either way, and accepts one at the edge', () => {
    const ts = Number(VECTOR_1.timestamp);
    const at = (nowSeconds: number) => check(VECTOR_1, { signatureHeader: VECTOR_1.signature, nowSeconds });
    expect(at(ts + TOLERANCE)).toEqual({ ok: true });
    expect(at(ts - TOLERANCE)).toEqual({ ok: true });
    expect(at(ts + TOLERANCE + 1)).toEqual({ ok: false, reason: 'timestamp is more than 300 s away from now' });
    expect(at(ts - TOLERANCE - 1).ok).toBe(false);
  });

  it('accepts the previous secret during a rotation, and rejects once it is dropped', () => {
    const both = ['whsec-new-secret-after-rotation', VECTOR_1.secret];
    expect(check(VECTOR_1, { signatureHeader: VECTOR_1.signature, secrets: both })).toEqual({ ok: true });
    expect(check(VECTOR_1, { signatureHeader: VECTOR_1.signature, secrets: [both[0]!] }).ok).toBe(false);
  });

  it('rejects everything when no secret is configured', () => {
    expect(check(VECTOR_1, { signatureHeader: VECTOR_1.signature, secrets: [] })).toEqual({ ok: false, reason: 'no webhook secret configured' });
    expect(check(VECTOR_1, { signatureHeader: VECTOR_1.signature, secrets: [''] }).ok).toBe(false);
  });
});
