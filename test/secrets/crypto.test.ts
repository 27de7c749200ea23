import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveKey, deriveKeyFromPassphrase, open, SealedDataError, seal } from '../../src/secrets/crypto.js';

const KEY = deriveKey(['client-secret-1'], 'test');
const PLAIN = Buffer.from('{"accessToken":"abc"}');

describe('seal / open', () => {
  it('round-trips, with a fresh IV each time and no plaintext in the blob', () => {
    const a = seal(PLAIN, KEY);
    const b = seal(PLAIN, KEY);
    expect(open(a, KEY).equals(PLAIN)).toBe(true);
    expect(a.equals(b)).toBe(false);
    expect(a[0]).toBe(1);
    expect(a.length).toBe(1 + 12 + 16 + PLAIN.length);
    expect(a.includes(PLAIN)).toBe(false);
  });

  it.each([
    ['IV', 1],
    ['tag', 13],
    ['ciphertext', 29],
  ])('refuses a blob whose %s was changed', (_part, offset) => {
    const sealed = seal(PLAIN, KEY);
    sealed[offset] = sealed[offset]! ^ 0x01;
    expect(() => open(sealed, KEY)).toThrow(SealedDataError);
  });

  it('refuses an unknown version and a truncated blob', () => {
    const sealed = seal(PLAIN, KEY);
    sealed[0] = 9;
    expect(() => open(sealed, KEY)).toThrow(/format version 9/);
    expect(() => open(sealed.subarray(0, 20), KEY)).toThrow(/truncated/);
  });

  it('refuses the wrong key and the wrong associated data', () => {
    const sealed = seal(PLAIN, KEY, Buffer.from('slot-a'));
    expect(() => open(sealed, deriveKey(['client-secret-2'], 'test'), Buffer.from('slot-a'))).toThrow(SealedDataError);
    expect(() => open(sealed, KEY, Buffer.from('slot-b'))).toThrow(SealedDataError);
    expect(open(sealed, KEY, Buffer.from('slot-a')).equals(PLAIN)).toBe(true);
  });

  it('rejects a key that is not 32 bytes', () => {
    expect(() => seal(PLAIN, Buffer.alloc(16))).toThrow(RangeError);
  });
});

describe('key derivation', () => {
  it('deriveKey is deterministic and separates material boundaries and contexts', () => {
    expect(deriveKey(['a', 'bc'], 'x').equals(deriveKey(['a', 'bc'], 'x'))).toBe(true);
    expect(deriveKey(['a', 'bc'], 'x').equals(deriveKey(['ab', 'c'], 'x'))).toBe(false);
    expect(deriveKey(['a', 'bc'], 'x').equals(deriveKey(['a', 'bc'], 'y'))).toBe(false);
    expect(deriveKey(['a'], 'x')).toHaveLength(32);
  });

  it('deriveKeyFromPassphrase depends on passphrase and salt', () => {
    const salt = randomBytes(16);
    const k1 = deriveKeyFromPassphrase('correct horse battery staple', salt);
    expect(k1).toHaveLength(32);
    expect(k1.equals(deriveKeyFromPassphrase('correct horse battery staple', Buffer.from(salt)))).toBe(true);
    expect(k1.equals(deriveKeyFromPassphrase('correct horse battery stable', salt))).toBe(false);
    expect(k1.equals(deriveKeyFromPassphrase('correct horse battery staple', randomBytes(16)))).toBe(false);
    expect(() => deriveKeyFromPassphrase('x', Buffer.alloc(4))).toThrow(RangeError);
  });
});
