/**
 * The encrypted vault file: named secrets sealed one by one with AES-256-GCM (crypto.ts) under a key
 * derived with scrypt from MLSYNC_MASTER_KEY and a random salt kept in the file. Names are stored in
 * clear (so `secrets list` needs no decryption and a missing name is told apart from a damaged one);
 * each value is sealed with its name as associated data, so an entry copied under another name does
 * not open. The file is created 0600, replaced atomically, and refused when group or others can reach it.
 */
import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { defaultLedgerPath } from '../config/paths.js';
import { deriveKeyFromPassphrase, open, PASSPHRASE_SALT_BYTES, SCRYPT, seal, SealedDataError } from './crypto.js';
import { MASTER_KEY_ENV, VAULT_ENV } from './environment.js';
import { checkSecretName } from './secret-name.js';
import type { SecretStore } from './store.js';

const VAULT_FILE = 'vault.json';
const FORMAT_VERSION = 1;
const PRIVATE_FILE_MODE = 0o600;
const PRIVATE_DIR_MODE = 0o700;
/** Any permission bit for group or others. */
const SHARED_MODE_BITS = 0o077;
/** A new vault needs a passphrase at least this long; scrypt slows guessing, it cannot save a short one. */
export const MIN_MASTER_KEY_LENGTH = 12;
const KEY_CHECK_TEXT = 'mlsync vault key check';
const KEY_CHECK_AAD = Buffer.from('mlsync-vault/key-check', 'utf8');
const entryAad = (name: string) => Buffer.from(`mlsync-vault/secret/${name}`, 'utf8');

/** The file as it is on disk. */
const VaultFileSchema = z.object({
  mlsyncVault: z.literal(FORMAT_VERSION),
  kdf: z.object({ name: z.literal('scrypt'), N: z.number(), r: z.number(), p: z.number(), salt: z.string() }),
  /** A known text sealed with the key: tells a wrong master key apart from a damaged entry. */
  keyCheck: z.string(),
  secrets: z.record(z.string(), z.string()),
});
type VaultFile = z.infer<typeof VaultFileSchema>;

interface OpenedVault {
  salt: string;
  key: Buffer;
  keyCheck: string;
  /** name → base64 of the sealed value. */
  secrets: Map<string, string>;
}

export interface VaultOptions {
  /** Replaces fs.renameSync: tests simulate a crash between writing the new file and putting it in place. */
  rename?: (from: string, to: string) => void;
}

/** Beside the default ledger: `$XDG_STATE_HOME/mlsync/vault.json`, else `~/.local/state/mlsync/vault.json`. */
export function defaultVaultPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(dirname(defaultLedgerPath(env)), VAULT_FILE);
}

/** MLSYNC_VAULT, else the default path; always absolute, so messages name the real file. */
export function resolveVaultPath(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env[VAULT_ENV] || defaultVaultPath(env));
}

export class VaultStore implements SecretStore {
  readonly kind = 'vault' as const;
  /** Derived keys by salt: scrypt costs about 100 ms, once per vault per run. */
  private readonly keys = new Map<string, Buffer>();

  private constructor(
    readonly file: string,
    private readonly masterKey: string,
    private readonly opts: VaultOptions,
  ) {}

  /**
   * Opens the vault at `file` and checks it now (permissions, format, master key), so a wrong key is
   * reported before anything else happens. A vault that does not exist yet is created by the first set.
   */
  static open(file: string, masterKey: string, opts: VaultOptions = {}): VaultStore {
    const store = new VaultStore(resolve(file), masterKey, opts);
    store.read();
    return store;
  }

  describe(): string {
    return `encrypted vault ${this.file}`;
  }

  async get(name: string): Promise<string | undefined> {
    const vault = this.read();
    const sealed = vault?.secrets.get(name);
    if (vault === undefined || sealed === undefined) return undefined;
    try {
      return open(Buffer.from(sealed, 'base64'), vault.key, entryAad(name)).toString('utf8');
    } catch {
      throw new SealedDataError(
        `The secret '${name}' in the vault at ${this.file} was changed or damaged: it does not decrypt, although ${MASTER_KEY_ENV} opens the vault. ` +
          `Store it again: mlsync secrets set ${name}`,
      );
    }
  }

  async set(name: string, value: string): Promise<void> {
    checkSecretName(name);
    const vault = this.read() ?? this.create();
    vault.secrets.set(name, seal(Buffer.from(value, 'utf8'), vault.key, entryAad(name)).toString('base64'));
    this.write(vault);
  }

  async delete(name: string): Promise<boolean> {
    const vault = this.read();
    if (!vault?.secrets.delete(name)) return false;
    this.write(vault);
    return true;
  }

  async list(): Promise<string[]> {
    return [...(this.read()?.secrets.keys() ?? [])].sort();
  }

  /** The vault as it is on disk now (another process may have changed it), or undefined when there is none yet. */
  private read(): OpenedVault | undefined {
    const text = this.readPrivateFile();
    if (text === undefined) return undefined;
    let data: VaultFile;
    try {
      data = VaultFileSchema.parse(JSON.parse(text));
    } catch {
      throw new ConfigError(
        `${this.file} is not an mlsync vault (or it was damaged). Restore it from a backup, or move it away and store the secrets again with mlsync secrets set.`,
      );
    }
    const { kdf } = data;
    if (kdf.N !== SCRYPT.N || kdf.r !== SCRYPT.r || kdf.p !== SCRYPT.p) {
      throw new ConfigError(`The vault at ${this.file} was written with other key-derivation settings than this mlsync uses; open it with the mlsync version that wrote it.`);
    }
    const key = this.keyFor(kdf.salt);
    try {
      open(Buffer.from(data.keyCheck, 'base64'), key, KEY_CHECK_AAD);
    } catch {
      throw new ConfigError(
        `${MASTER_KEY_ENV} does not open the vault at ${this.file}. Set the ${MASTER_KEY_ENV} the vault was created with, or point ${VAULT_ENV} at another vault.`,
      );
    }
    return { salt: kdf.salt, key, keyCheck: data.keyCheck, secrets: new Map(Object.entries(data.secrets)) };
  }

  private readPrivateFile(): string | undefined {
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      throw new ConfigError(`Cannot read the vault ${this.file}: ${code === 'EACCES' ? 'permission denied' : (code ?? 'error')}.`, [], { cause: err });
    }
    try {
      const stat = fstatSync(fd);
      if (!stat.isFile()) throw new ConfigError(`The vault ${this.file} is not a regular file.`);
      // Windows has no such mode bits; its files are private through the user profile's ACLs.
      const shared = process.platform === 'win32' ? 0 : stat.mode & SHARED_MODE_BITS;
      if (shared !== 0) {
        const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
        throw new ConfigError(
          `The vault ${this.file} can be read or changed by other users (mode ${mode}); mlsync will not use it. ` +
            `Make it private to the user that runs mlsync: chmod 600 ${this.file}`,
        );
      }
      return readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  }

  private create(): OpenedVault {
    if (this.masterKey.length < MIN_MASTER_KEY_LENGTH) {
      throw new ConfigError(
        `${MASTER_KEY_ENV} is too short to protect a new vault: use at least ${MIN_MASTER_KEY_LENGTH} characters (for example the output of: openssl rand -base64 32).`,
      );
    }
    const salt = randomBytes(PASSPHRASE_SALT_BYTES).toString('base64');
    const key = this.keyFor(salt);
    const keyCheck = seal(Buffer.from(KEY_CHECK_TEXT, 'utf8'), key, KEY_CHECK_AAD).toString('base64');
    return { salt, key, keyCheck, secrets: new Map() };
  }

  private keyFor(salt: string): Buffer {
    let key = this.keys.get(salt);
    if (!key) {
      const bytes = Buffer.from(salt, 'base64');
      if (bytes.length < PASSPHRASE_SALT_BYTES) {
        throw new ConfigError(`${this.file} is not an mlsync vault (or it was damaged): its salt is too short. Restore it from a backup.`);
      }
      key = deriveKeyFromPassphrase(this.masterKey, bytes);
      this.keys.set(salt, key);
    }
    return key;
  }

  /**
   * Write a new file beside the vault (created 0600, never widened then narrowed), flush it to disk,
   * then rename it over the vault: a crash at any point leaves either the old vault or the new one.
   */
  private write(vault: OpenedVault): void {
    const data: VaultFile = {
      mlsyncVault: FORMAT_VERSION,
      kdf: { name: 'scrypt', N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, salt: vault.salt },
      keyCheck: vault.keyCheck,
      secrets: Object.fromEntries([...vault.secrets].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    };
    const dir = dirname(this.file);
    const temp = join(dir, `.${basename(this.file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
      const fd = openSync(temp, 'wx', PRIVATE_FILE_MODE);
      try {
        writeSync(fd, `${JSON.stringify(data, null, 2)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      (this.opts.rename ?? renameSync)(temp, this.file);
    } catch (err) {
      try {
        unlinkSync(temp);
      } catch {
        // Never created, or already renamed.
      }
      const code = (err as NodeJS.ErrnoException).code;
      throw new ConfigError(`Could not write the vault ${this.file} (${code ?? (err as Error).message}); it was left as it was.`, [], { cause: err });
    }
    syncDirectory(dir);
  }
}

/** Makes the rename itself durable. Best effort: some file systems (and Windows) cannot fsync a folder. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // The rename has happened; only its durability across a power cut is not guaranteed here.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
