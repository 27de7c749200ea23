import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/secrets/redactor.js';

describe('Redactor', () => {
  it('masks the signature and credential of a pre-signed URL, keeping the rest readable', () => {
    const url =
      'https://bucket.s3.amazonaws.com/_s3/doc-1?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20240701%2Feu&' +
      'X-Amz-Date=20240701T080000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=0123abcdef';
    const out = new Redactor().text(url);
    expect(out).not.toContain('0123abcdef');
    expect(out).not.toContain('AKIA');
    expect(out).toContain('X-Amz-Signature=***');
    expect(out).toContain('X-Amz-Expires=900');
    expect(out).toContain('/_s3/doc-1?');
  });

  it('masks a known value in its form-encoded spelling too', () => {
    const r = new Redactor();
    r.add('ACME_PRD#Xy7Kp2QeLm9RtVb4');
    expect(r.text('username=ACME_PRD%23Xy7Kp2QeLm9RtVb4&grant_type=password')).toBe('username=***&grant_type=password');
  });
});
