/** The environment variables that choose and open a secret store (README, "Secrets"; .env.example). */

/** Passphrase the vault key is derived from (scrypt). */
export const MASTER_KEY_ENV = 'MLSYNC_MASTER_KEY';
/** Path of the vault file. */
export const VAULT_ENV = 'MLSYNC_VAULT';
/** `keychain` or `vault` forces that store; unset (or `auto`) lets mlsync choose. */
export const SECRET_STORE_ENV = 'MLSYNC_SECRET_STORE';
