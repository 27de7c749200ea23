/**
 * Tokens cached across runs, encrypted (design.md, "Ledger": cached tokens, encrypted). The key is
 * derived from the credential's own secrets, plus MLSYNC_MASTER_KEY when set: whoever reads the
 * ledger without the credential learns nothing, and whoever holds the credential could fetch a token
 * anyway. A blob that no longer opens (secret rotated, master key changed, tampering) is a cache miss
 * and is removed, never an error: the provider simply fetches a new token.
 */
import { z } from 'zod';
import { deriveKey, open, seal } from '../secrets/crypto.js';
import type { CachedToken, TokenBlobStore, TokenCache } from './types.js';

const KEY_CONTEXT = 'mlsync token cache v1';
export const MASTER_KEY_ENV = 'MLSYNC_MASTER_KEY';

const cachedTokenSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string().min(1).optional(),
  expiresAt: z.number().finite(),
  issuedAt: z.number().finite(),
});

export function createEncryptedTokenCache(
  store: TokenBlobStore,
  secretMaterial: string[],
  env: NodeJS.ProcessEnv = process.env,
): TokenCache {
  const master = env[MASTER_KEY_ENV];
  const key = deriveKey(master ? [...secretMaterial, master] : secretMaterial, KEY_CONTEXT);
  // The slot name is authenticated with the blob, so a blob copied under another key does not open.
  const aad = (slot: string) => Buffer.from(slot, 'utf8');

  return {
    load(slot: string): CachedToken | undefined {
      const blob = store.loadBlob(slot);
      if (!blob) return undefined;
      try {
        const parsed = cachedTokenSchema.parse(JSON.parse(open(blob, key, aad(slot)).toString('utf8')));
        const token: CachedToken = { accessToken: parsed.accessToken, expiresAt: parsed.expiresAt, issuedAt: parsed.issuedAt };
        if (parsed.refreshToken !== undefined) token.refreshToken = parsed.refreshToken;
        return token;
      } catch {
        store.removeBlob(slot);
        return undefined;
      }
    },
    save(slot: string, token: CachedToken): void {
      store.saveBlob(slot, seal(Buffer.from(JSON.stringify(token), 'utf8'), key, aad(slot)));
    },
    remove(slot: string): void {
      store.removeBlob(slot);
    },
  };
}

/** A TokenBlobStore in memory: for tests, and for runs without a ledger (`validate`, `ping` without --db). */
export function createMemoryBlobStore(): TokenBlobStore & { readonly blobs: Map<string, Buffer> } {
  const blobs = new Map<string, Buffer>();
  return {
    blobs,
    loadBlob: (slot) => blobs.get(slot),
    saveBlob: (slot, blob) => {
      blobs.set(slot, Buffer.from(blob));
    },
    removeBlob: (slot) => {
      blobs.delete(slot);
    },
  };
}
