/**
 * Token providers: one per system and credential set. They refresh before expiry, let only one
 * token request be in flight at a time (single-flight), and may cache tokens across runs through a
 * TokenCache (the ledger, encrypted), because some systems ration tokens (Infor: ~100 per client a day).
 */

export interface TokenProvider {
  readonly system: string;
  /** A token valid for at least the provider's refresh margin; fetches or refreshes as needed. */
  getToken(): Promise<string>;
  /** The server refused this token (401): forget it so the next getToken() refreshes. */
  invalidate(token: string): void;
  /** When the current token expires, if one is held. */
  expiresAt(): Date | undefined;
}

/** What a provider stores between runs. */
export interface CachedToken {
  accessToken: string;
  refreshToken?: string;
  /** Epoch ms. */
  expiresAt: number;
  /** Epoch ms when it was issued (for the refresh margin as a share of the lifetime). */
  issuedAt: number;
}

/**
 * Cross-run storage for tokens, keyed by a provider-chosen key (system + client id, never a secret).
 * The ledger implements it and encrypts what it stores.
 */
export interface TokenCache {
  load(key: string): CachedToken | undefined;
  save(key: string, token: CachedToken): void;
  remove(key: string): void;
}

/**
 * Raw cross-run storage of encrypted token blobs (the ledger implements it). Providers never hand it
 * plaintext: `createEncryptedTokenCache` (token-cache.ts) wraps it with AES-256-GCM.
 */
export interface TokenBlobStore {
  loadBlob(key: string): Buffer | undefined;
  saveBlob(key: string, blob: Buffer): void;
  removeBlob(key: string): void;
}
