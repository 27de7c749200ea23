/**
 * Named secrets (`secret:<name>` in a pair config, `mlsync secrets set <name>`): where they live and
 * how mlsync picks the place. The OS keychain when keytar loads and a keychain service answers;
 * otherwise the encrypted vault file, opened with MLSYNC_MASTER_KEY. MLSYNC_SECRET_STORE=keychain|vault
 * forces one (a machine with a keychain that should still use a vault, or a CI job that must fail when
 * the keychain is missing).
 */
import { ConfigError } from '../errors.js';
import { MASTER_KEY_ENV, SECRET_STORE_ENV, VAULT_ENV } from './environment.js';
import { DEFAULT_PROBE_TIMEOUT_MS, HEADLESS_LINUX_KEYCHAIN, KeychainStore, probeKeychain, type KeychainProbe } from './keychain.js';
import { resolveVaultPath, VaultStore, type VaultOptions } from './vault.js';

export type SecretStoreKind = 'keychain' | 'vault';

export interface SecretStore {
  readonly kind: SecretStoreKind;
  /** Where the secrets are, for people: "encrypted vault /home/sync/.local/state/mlsync/vault.json". */
  describe(): string;
  /** The value, or undefined when no secret has that name. */
  get(name: string): Promise<string | undefined>;
  /** Stores or replaces. */
  set(name: string, value: string): Promise<void>;
  /** false when there was no such secret. */
  delete(name: string): Promise<boolean>;
  /** Names only, sorted; never values. */
  list(): Promise<string[]>;
}

const STORE_CHOICES = ['auto', 'keychain', 'vault'] as const;
type StoreChoice = (typeof STORE_CHOICES)[number];

export interface OpenSecretStoreOptions {
  /** How long a keychain service may take to answer the probe. Default 3000 ms. */
  probeTimeoutMs?: number;
  /** Replaces the keychain probe (tests). */
  probeKeychain?: () => Promise<KeychainProbe>;
  /** Passed to the vault (tests simulate a crash mid-write). */
  vault?: VaultOptions;
}

export async function openSecretStore(env: NodeJS.ProcessEnv = process.env, opts: OpenSecretStoreOptions = {}): Promise<SecretStore> {
  const choice = storeChoice(env);
  const masterKey = env[MASTER_KEY_ENV] || undefined;
  const vaultPath = resolveVaultPath(env);
  if (choice === 'vault') {
    if (!masterKey) {
      throw new ConfigError(`${SECRET_STORE_ENV}=vault, but ${MASTER_KEY_ENV} is not set: set it to the passphrase of the vault at ${vaultPath} (a new vault is created with it).`);
    }
    return VaultStore.open(vaultPath, masterKey, opts.vault);
  }

  const probe = await (opts.probeKeychain ?? (() => probeKeychain({ timeoutMs: opts.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS })))();
  if (probe.ok) return new KeychainStore(probe.keytar);
  if (choice === 'keychain') {
    throw new ConfigError(
      `${SECRET_STORE_ENV}=keychain, but the OS keychain is not usable: ${probe.reason}.\n` +
        `  To get one ${HEADLESS_LINUX_KEYCHAIN}.\n` +
        `  Or use the encrypted vault: ${SECRET_STORE_ENV}=vault with ${MASTER_KEY_ENV} set.`,
    );
  }
  if (!masterKey) {
    throw new ConfigError(
      `No secret store is usable: ${MASTER_KEY_ENV} is not set, and there is no OS keychain (${probe.reason}).\n` +
        `  Either set ${MASTER_KEY_ENV} to a long passphrase (e.g. from: openssl rand -base64 32): secrets are then kept in the encrypted vault ` +
        `${vaultPath} (${VAULT_ENV} chooses another file);\n` +
        `  or make an OS keychain available (install or unlock one); ${HEADLESS_LINUX_KEYCHAIN}.`,
    );
  }
  return VaultStore.open(vaultPath, masterKey, opts.vault);
}

function storeChoice(env: NodeJS.ProcessEnv): StoreChoice {
  const raw = (env[SECRET_STORE_ENV] ?? '').trim().toLowerCase();
  if (raw === '') return 'auto';
  if ((STORE_CHOICES as readonly string[]).includes(raw)) return raw as StoreChoice;
  throw new ConfigError(`${SECRET_STORE_ENV} is '${env[SECRET_STORE_ENV]}'; expected one of: ${STORE_CHOICES.join(', ')} (or leave it unset to let mlsync choose).`);
}
