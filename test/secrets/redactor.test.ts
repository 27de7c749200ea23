import { describe, expect, it } from 'vitest';
import { Redactor, redactProcessText } from '../../src/secrets/redactor.js';

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

describe('Redactor: fields whose names say they are secret, in any text form', () => {
  const r = new Redactor();

  it('masks secret-named JSON fields, escaped quotes included, and leaves the others and the layout alone', () => {
    const body = '{"access_token": "eyJ\\"abc", "expires_in": 3600, "Cookie":"sid=1", "continuationToken":"page-2", "apiKey":"k-9"}';
    expect(r.text(body)).toBe('{"access_token": "***", "expires_in": 3600, "Cookie":"***", "continuationToken":"page-2", "apiKey":"***"}');
  });

  it('masks secret-named form and query fields, but not names that only contain a secret word', () => {
    expect(r.text('grant_type=password&client_secret=s3cr3t&refresh_token=rt-1&username=svc')).toBe(
      'grant_type=password&client_secret=***&refresh_token=***&username=svc',
    );
    expect(r.text('/v1/vendors?continuationToken=abc&pageSize=100')).toBe('/v1/vendors?continuationToken=abc&pageSize=100');
    expect(r.text('GET /x?X-Amz-Security-Token=FwoG&X-Amz-Expires=900')).toBe('GET /x?X-Amz-Security-Token=***&X-Amz-Expires=900');
  });

  it('masks a header written as text to the end of the line, or of the JSON string it is in', () => {
    expect(r.text('Cookie: sid=abc; theme=dark\nnext line')).toBe('Cookie: ***\nnext line');
    expect(r.text('Authorization: Token 9f8e7d')).toBe('Authorization: ***');
    expect(r.text('{"echo":"set-cookie: sid=abc","n":1}')).toBe('{"echo":"set-cookie: ***","n":1}');
    expect(r.text('Not authorized for company 200')).toBe('Not authorized for company 200');
  });

  it('masks the password of a URL with credentials, and keeps a URL with a port as it is', () => {
    expect(r.text('Could not reach https://proxyuser:pr0xy-pa55@proxy.corp:8080/v1/tokens')).toBe(
      'Could not reach https://proxyuser:***@proxy.corp:8080/v1/tokens',
    );
    expect(r.text('http://127.0.0.1:45809/v1/vendors')).toBe('http://127.0.0.1:45809/v1/vendors');
  });

  it('masks Bearer and Basic credentials whatever their value', () => {
    expect(r.text('sent Bearer eyJhbGciOi.x.y and Basic bWxzeW5jOnNlY3JldA==')).toBe('sent Bearer *** and Basic ***');
  });
});

describe('Redactor: values it learned', () => {
  it('masks a value with quotes and backslashes in its JSON-escaped spelling too', () => {
    const r = new Redactor();
    const secret = 'pa"ss\\word-77';
    r.add(secret);
    expect(r.text(JSON.stringify({ note: `got ${secret}` }))).toBe('{"note":"got ***"}');
  });

  it('ignores values too short to be told from ordinary text', () => {
    const r = new Redactor();
    r.add('abc');
    expect(r.size).toBe(0);
    expect(r.text('abc def')).toBe('abc def');
  });

  it('masks known values and secret-named fields in a JSON-like value, without changing the input', () => {
    const r = new Redactor();
    r.add('vault-value-1234');
    const input = { message: 'refused vault-value-1234', headers: { 'X-Amz-Security-Token': 'FwoG', accept: 'json' }, token: '', count: 2 };
    expect(r.value(input)).toEqual({ message: 'refused ***', headers: { 'X-Amz-Security-Token': '***', accept: 'json' }, token: '', count: 2 });
    expect(input.message).toBe('refused vault-value-1234');
  });
});

describe('redactProcessText (the internal-error path of bin/mlsync.js)', () => {
  it('masks what any redactor of the process learned, while each redactor knows only its own values', () => {
    const a = new Redactor();
    const b = new Redactor();
    a.add('only-a-knows-7781');
    b.add('only-b-knows-9902');
    const stack = 'Error: refused only-a-knows-7781 and only-b-knows-9902\n    at x (file.js:1:1)';
    expect(redactProcessText(stack)).toBe('Error: refused *** and ***\n    at x (file.js:1:1)');
    expect(a.text(stack)).toContain('only-b-knows-9902');
  });
});
