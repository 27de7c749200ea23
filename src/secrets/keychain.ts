/**
 * The OS keychain through keytar: macOS Keychain, Windows Credential Manager, or a Secret Service on
 * Linux (gnome-keyring, KWallet). Secrets are kept under the service 'mlsync', one account per name.
 * keytar is an optional native dependency: it is loaded only when a secret is needed, and a keytar that
 * is missing or does not load only means "no keychain here", never an error.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../errors.js';
import { MASTER_KEY_ENV, SECRET_STORE_ENV } from './environment.js';
import { checkSecretName } from './secret-name.js';
import type { SecretStore } from './store.js';

export const KEYCHAIN_SERVICE = 'mlsync';
const KEYTAR_MODULE = 'keytar';
export const DEFAULT_PROBE_TIMEOUT_MS = 3000;
const OPERATION_TIMEOUT_MS = 15_000;
const MAX_REASON_LENGTH = 200;

/** The four keytar calls mlsync uses (typed here: keytar is optional and may be absent at build time). */
export interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

export type KeychainProbe = { ok: true; keytar: Keytar } | { ok: false; reason: string };

/** What a user on a server without a desktop runs to get a keychain (README, "Secrets"). */
export const HEADLESS_LINUX_KEYCHAIN =
  'on headless Linux: apt-get install gnome-keyring libsecret-1-dev dbus dbus-x11, npm rebuild keytar (in the mlsync folder), then run mlsync ' +
  'inside dbus-run-session after unlocking the keyring: gnome-keyring-daemon --unlock --components=secrets --daemonize < <password file> (README, "Secrets")';

/** Resolves keytar's entry file, or undefined when the optional dependency is not installed. */
function keytarPath(): string | undefined {
  try {
    return createRequire(import.meta.url).resolve(KEYTAR_MODULE);
  } catch {
    return undefined;
  }
}

/**
 * Whether the OS keychain is usable: keytar loads and a keychain service answers within `timeoutMs`.
 * The first call runs in a child process: a keychain that never answers (a D-Bus bus that accepts and
 * stays silent, an unlock prompt nobody sees) blocks a native thread, and a process holding one cannot
 * exit — a child can be killed. Only after it answered is keytar loaded into this process.
 */
export async function probeKeychain(opts: { timeoutMs?: number } = {}): Promise<KeychainProbe> {
  const path = keytarPath();
  if (path === undefined) {
    return { ok: false, reason: 'keytar, an optional dependency, is not installed: on Linux it builds only when libsecret-1-dev is installed before npm ci' };
  }
  const answer = await askInChild(path, opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS);
  if (!answer.ok) return answer;
  try {
    const loaded = (await import(pathToFileURL(path).href)) as { default?: Keytar } & Partial<Keytar>;
    return { ok: true, keytar: (loaded.default ?? loaded) as Keytar };
  } catch (err) {
    return { ok: false, reason: `keytar does not load: ${shortReason(err)}` };
  }
}

/** Runs one findCredentials in a child node; the child inherits this process's environment (its D-Bus address). */
function askInChild(path: string, timeoutMs: number): Promise<{ ok: true } | { ok: false; reason: string }> {
  const script =
    'const k = require(process.argv[1]);' +
    'k.findCredentials(process.argv[2]).then(() => process.exit(0), (e) => { process.stderr.write(String((e && e.message) || e)); process.exit(1); });';
  return new Promise((resolveAnswer) => {
    const child = spawn(process.execPath, ['-e', script, path, KEYCHAIN_SERVICE], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      if (stderr.length < 4096) stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolveAnswer({ ok: false, reason: `no keychain service answered within ${timeoutMs} ms (is it locked, or waiting for a prompt?)` });
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolveAnswer({ ok: false, reason: `could not start the keychain probe: ${shortReason(err)}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolveAnswer({ ok: true });
      // keytar's findCredentials crashes (SIGSEGV) on a Secret Service whose keyring holds mlsync entries but is locked.
      else if (signal) resolveAnswer({ ok: false, reason: `the keychain probe crashed (${signal}), which keytar does when the keyring is locked: unlock it` });
      else resolveAnswer({ ok: false, reason: stderr.trim() ? `keytar failed: ${shortReason(stderr)}` : `the keychain probe exited with code ${code}` });
    });
  });
}

function shortReason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > MAX_REASON_LENGTH ? `${line.slice(0, MAX_REASON_LENGTH)}…` : line;
}

function keychainName(): string {
  if (process.platform === 'darwin') return 'macOS Keychain';
  if (process.platform === 'win32') return 'Windows Credential Manager';
  return 'Secret Service keyring';
}

const UNLOCK_HINT = `Unlock the keychain (${HEADLESS_LINUX_KEYCHAIN}), or use the encrypted vault instead: ${SECRET_STORE_ENV}=vault with ${MASTER_KEY_ENV} set.`;

export class KeychainStore implements SecretStore {
  readonly kind = 'keychain' as const;

  constructor(
    private readonly keytar: Keytar,
    /** Tests use their own service, so they never touch a developer's real 'mlsync' entries. */
    private readonly service: string = KEYCHAIN_SERVICE,
    private readonly timeoutMs: number = OPERATION_TIMEOUT_MS,
  ) {}

  describe(): string {
    return `OS keychain (${keychainName()}, service '${this.service}')`;
  }

  async get(name: string): Promise<string | undefined> {
    const value = await this.call(`reading secret '${name}'`, () => this.keytar.getPassword(this.service, name));
    return value ?? undefined;
  }

  async set(name: string, value: string): Promise<void> {
    checkSecretName(name);
    await this.call(`storing secret '${name}'`, () => this.keytar.setPassword(this.service, name, value));
  }

  async delete(name: string): Promise<boolean> {
    return this.call(`deleting secret '${name}'`, () => this.keytar.deletePassword(this.service, name));
  }

  async list(): Promise<string[]> {
    // findCredentials returns the values too; only the names leave this function.
    const found = await this.call('listing secrets', () => this.keytar.findCredentials(this.service));
    return found.map((c) => c.account).sort();
  }

  /** One keychain call with a deadline; failures become a message that says how to get a usable keychain. */
  private async call<T>(what: string, op: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ConfigError(`The OS keychain did not answer within ${this.timeoutMs / 1000} s while ${what}; it may be locked and waiting for an unlock prompt. ${UNLOCK_HINT}`)),
        this.timeoutMs,
      );
    });
    try {
      return await Promise.race([op(), deadline]);
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      throw new ConfigError(`The OS keychain failed while ${what}: ${shortReason(err)}. ${UNLOCK_HINT}`, [], { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }
}
