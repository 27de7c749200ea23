import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, contentHash } from '../../src/engine/content-hash.js';

describe('canonicalJson', () => {
  it('sorts object keys at every level and leaves no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[{"y":2,"z":1}]},"b":1}');
  });

  it('drops undefined properties and writes undefined array slots as null', () => {
    expect(canonicalJson({ a: 1, b: undefined, c: { d: undefined } })).toBe('{"a":1,"c":{}}');
    expect(canonicalJson([1, undefined, 2])).toBe('[1,null,2]');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('keeps null values and scalars as JSON has them', () => {
    expect(canonicalJson({ a: null, s: 'é"q', n: 1.5, t: true })).toBe('{"a":null,"n":1.5,"s":"é\\"q","t":true}');
  });
});

describe('contentHash', () => {
  const record = { code: 'S001', name: 'Acme', active: true, address: { city: 'Espoo', countryCode: 'FI' }, tags: ['a', 'b'] };

  it('is the SHA-256 hex of the canonical JSON', () => {
    expect(contentHash(record)).toBe(createHash('sha256').update(canonicalJson(record)).digest('hex'));
    expect(contentHash(record)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on key order, at any level', () => {
    const reordered = { tags: ['a', 'b'], address: { countryCode: 'FI', city: 'Espoo' }, active: true, name: 'Acme', code: 'S001' };
    expect(contentHash(reordered)).toBe(contentHash(record));
  });

  it('treats an undefined property as absent', () => {
    expect(contentHash({ ...record, taxId: undefined })).toBe(contentHash(record));
  });

  it('changes with any value, and with the order of an array', () => {
    expect(contentHash({ ...record, name: 'Acme Oy' })).not.toBe(contentHash(record));
    expect(contentHash({ ...record, address: { city: 'Espoo', countryCode: 'SE' } })).not.toBe(contentHash(record));
    expect(contentHash({ ...record, tags: ['b', 'a'] })).not.toBe(contentHash(record));
    expect(contentHash({ ...record, active: 'true' })).not.toBe(contentHash(record));
    expect(contentHash({ ...record, taxId: null })).not.toBe(contentHash(record));
  });
});
