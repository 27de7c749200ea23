import { describe, expect, it } from 'vitest';
import { createEncryptedTokenCache, createMemoryBlobStore } from '../../src/auth/token-cache.js';
import type { CachedToken } from '../../src/auth/types.js';

const TOKEN: CachedToken = { accessToken: 'eyJ.access.token', refreshToken: 'refresh-abc', expiresAt: 2_000_000, issuedAt: 1_000_000 };
const SLOT = 'infor:oauth:abc';

describe('createEncryptedTokenCache', () => {
  it('round-trips a token and stores nothing readable', () => {
    const store = createMemoryBlobStore();
    const cache = createEncryptedTokenCache(store, ['cs-secret', 'sask-secret'], {});
    cache.save(SLOT, TOKEN);
    expect(cache.load(SLOT)).toEqual(TOKEN);
    const blob = store.blobs.get(SLOT)!;
    expect(blob.toString('latin1')).not.toContain('eyJ.access.token');
    expect(blob.toString('latin1')).not.toContain('refresh-abc');
    expect(cache.load('other')).toBeUndefined();
  });

  it('keeps a token without a refresh token as it was', () => {
    const cache = createEncryptedTokenCache(createMemoryBlobStore(), ['s'], {});
    cache.save(SLOT, { accessToken: 'a', expiresAt: 2, issuedAt: 1 });
    expect(cache.load(SLOT)).toEqual({ accessToken: 'a', expiresAt: 2, issuedAt: 1 });
  });

  it('treats a blob sealed with another secret (rotated credential) as a miss and removes it', () => {
    const store = createMemoryBlobStore();
    createEncryptedTokenCache(store, ['old-secret'], {}).save(SLOT, TOKEN);
    const rotated = createEncryptedTokenCache(store, ['new-secret'], {});
    expect(rotated.load(SLOT)).toBeUndefined();
    expect(store.blobs.has(SLOT)).toBe(false);
  });

  it('mixes MLSYNC_MASTER_KEY into the key when set', () => {
    const store = createMemoryBlobStore();
    createEncryptedTokenCache(store, ['s'], { MLSYNC_MASTER_KEY: 'master-1' }).save(SLOT, TOKEN);
    expect(createEncryptedTokenCache(store, ['s'], { MLSYNC_MASTER_KEY: 'master-1' }).load(SLOT)).toEqual(TOKEN);
    expect(createEncryptedTokenCache(store, ['s'], {}).load(SLOT)).toBeUndefined();
    expect(store.blobs.has(SLOT)).toBe(false);
  });

  it('treats a tampered blob, a blob moved to another slot and garbage as misses, never errors', () => {
    const store = createMemoryBlobStore();
    const cache = createEncryptedTokenCache(store, ['s'], {});
    cache.save(SLOT, TOKEN);
    const blob = Buffer.from(store.blobs.get(SLOT)!);
    blob[blob.length - 1] = blob[blob.length - 1]! ^ 0xff;
    store.blobs.set(SLOT, blob);
    expect(cache.load(SLOT)).toBeUndefined();

    cache.save(SLOT, TOKEN);
    store.blobs.set('basware:oauth:x', store.blobs.get(SLOT)!);
    expect(cache.load('basware:oauth:x')).toBeUndefined();

    store.blobs.set('junk', Buffer.from('not a blob'));
    expect(cache.load('junk')).toBeUndefined();
    expect(store.blobs.has('junk')).toBe(false);
  });

  it('remove() forgets the slot', () => {
    const store = createMemoryBlobStore();
    const cache = createEncryptedTokenCache(store, ['s'], {});
    cache.save(SLOT, TOKEN);
    cache.remove(SLOT);
    expect(cache.load(SLOT)).toBeUndefined();
  });
});
