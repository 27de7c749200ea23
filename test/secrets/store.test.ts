import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { EXIT } from '../../src/exit-codes.js';
import { KeychainStore, type KeychainProbe, type Keytar } from '../../src/secrets/keychain.js';
import { openSecretStore } from '../../src/secrets/store.js';

const MASTER_KEY = 'a long enough passphrase';
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function stateEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'mlsync-store-'));
  dirs.push(dir);
  return { XDG_STATE_HOME: dir, ...extra };
}

/** An in-memory keytar: what the real one does, per service and account. */
function memoryKeytar(): Keytar & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  const k = (service: string, account: string) => `${service}\u0000${account}`;
  return {
    entries,
    getPassword: async (s, a) => entries.get(k(s, a)) ?? null,
    setPassword: async (s, a, p) => void entries.set(k(s, a), p),
    deletePassword: async (s, a) => entries.delete(k(s, a)),
    findCredentials: async (s) =>
      [...entries].filter(([key]) => key.startsWith(`${s}\u0000`)).map(([key, password]) => ({ account: key.split('\u0000')[1]!, password })),
  };
}

const answering = (keytar: Keytar = memoryKeytar()) => vi.fn(async (): Promise<KeychainProbe> => ({ ok: true, keytar }));
const silent = vi.fn(async (): Promise<KeychainProbe> => ({ ok: false, reason: 'Cannot autolaunch D-Bus without X11 $DISPLAY' }));

describe('openSecretStore: which store', () => {
  it('uses the OS keychain when a keychain service answers, even with MLSYNC_MASTER_KEY set', async () => {
    const store = await openSecretStore(stateEnv({ MLSYNC_MASTER_KEY: MASTER_KEY }), { probeKeychain: answering() });
    expect(store.kind).toBe('keychain');
    expect(store.describe()).toContain("service 'mlsync'");
  });

  it('falls back to the vault beside the default ledger when no keychain answers and MLSYNC_MASTER_KEY is set', async () => {
    const env = stateEnv({ MLSYNC_MASTER_KEY: MASTER_KEY });
    const store = await openSecretStore(env, { probeKeychain: silent });
    expect(store.kind).toBe('vault');
    expect(store.describe()).toBe(`encrypted vault ${join(env.XDG_STATE_HOME!, 'mlsync', 'vault.json')}`);
  });

  it('MLSYNC_VAULT chooses the vault file', async () => {
    const env = stateEnv({ MLSYNC_MASTER_KEY: MASTER_KEY });
    const file = join(env.XDG_STATE_HOME!, 'elsewhere', 'acme.vault');
    const store = await openSecretStore({ ...env, MLSYNC_VAULT: file }, { probeKeychain: silent });
    await store.set('x-secret', 'v');
    expect(store.describe()).toBe(`encrypted vault ${file}`);
  });

  it('with neither, says exactly what to set: MLSYNC_MASTER_KEY, or a keychain (with the headless-Linux command)', async () => {
    const err = await openSecretStore(stateEnv(), { probeKeychain: silent }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).exitCode).toBe(EXIT.CONFIG);
    const message = (err as Error).message;
    expect(message).toContain('No secret store is usable: MLSYNC_MASTER_KEY is not set');
    expect(message).toContain('Cannot autolaunch D-Bus without X11 $DISPLAY');
    expect(message).toContain('Either set MLSYNC_MASTER_KEY');
    expect(message).toContain('apt-get install gnome-keyring libsecret-1-dev dbus dbus-x11');
    expect(message).toContain('gnome-keyring-daemon --unlock');
    expect(message).toContain('dbus-run-session');
  });

  it('MLSYNC_SECRET_STORE=vault never asks the keychain', async () => {
    const probe = answering();
    const store = await openSecretStore(stateEnv({ MLSYNC_SECRET_STORE: 'vault', MLSYNC_MASTER_KEY: MASTER_KEY }), { probeKeychain: probe });
    expect(store.kind).toBe('vault');
    expect(probe).not.toHaveBeenCalled();
    await expect(openSecretStore(stateEnv({ MLSYNC_SECRET_STORE: 'vault' }), { probeKeychain: probe })).rejects.toThrow(
      /MLSYNC_SECRET_STORE=vault, but MLSYNC_MASTER_KEY is not set/,
    );
  });

  it('MLSYNC_SECRET_STORE=keychain fails, not falls back, when the keychain does not answer', async () => {
    const err = await openSecretStore(stateEnv({ MLSYNC_SECRET_STORE: 'keychain', MLSYNC_MASTER_KEY: MASTER_KEY }), { probeKeychain: silent }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/^MLSYNC_SECRET_STORE=keychain, but the OS keychain is not usable: Cannot autolaunch D-Bus/);
  });

  it('an unknown MLSYNC_SECRET_STORE is a ConfigError listing the choices', async () => {
    await expect(openSecretStore(stateEnv({ MLSYNC_SECRET_STORE: 'kechain' }), { probeKeychain: silent })).rejects.toThrow(
      "MLSYNC_SECRET_STORE is 'kechain'; expected one of: auto, keychain, vault",
    );
  });
});

describe('KeychainStore', () => {
  it("keeps secrets under service 'mlsync', one account per name; list gives names only", async () => {
    const keytar = memoryKeytar();
    const store = new KeychainStore(keytar);
    await store.set('infor-prod-ionapi', '{"cs":"ion-secret"}');
    await store.set('basware-secret', 'bw-secret-value');
    expect(await keytar.getPassword('mlsync', 'basware-secret')).toBe('bw-secret-value');
    expect(await store.list()).toEqual(['basware-secret', 'infor-prod-ionapi']);
    expect(await store.get('basware-secret')).toBe('bw-secret-value');
    expect(await store.get('nope')).toBeUndefined();
    expect(await store.delete('basware-secret')).toBe(true);
    expect(await store.delete('basware-secret')).toBe(false);
  });

  it('a keychain error becomes a ConfigError that says how to unlock it or use the vault', async () => {
    const keytar = { ...memoryKeytar(), setPassword: async () => Promise.reject(new Error('Object does not exist at path “/org/freedesktop/secrets/collection/login”')) };
    const err = await new KeychainStore(keytar).set('a-secret', 'v').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain("The OS keychain failed while storing secret 'a-secret': Object does not exist at path");
    expect((err as Error).message).toContain('MLSYNC_SECRET_STORE=vault with MLSYNC_MASTER_KEY set');
  });

  it('a keychain that does not answer is given up on after the deadline', async () => {
    const keytar = { ...memoryKeytar(), getPassword: () => new Promise<string | null>(() => {}) };
    const started = Date.now();
    await expect(new KeychainStore(keytar, 'mlsync', 50).get('a-secret')).rejects.toThrow(/did not answer within 0.05 s while reading secret 'a-secret'/);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
