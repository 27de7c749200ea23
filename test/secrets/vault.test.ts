import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { EXIT } from '../../src/exit-codes.js';
import { SealedDataError } from '../../src/secrets/crypto.js';
import { defaultVaultPath, resolveVaultPath, VaultStore } from '../../src/secrets/vault.js';

const KEY = 'correct horse battery staple';
const dirs: string[] = [];

function tempVaultPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlsync-vault-'));
  dirs.push(dir);
  // Nested, so the test also proves the folders are created.
  return join(dir, 'state', 'mlsync', 'vault.json');
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

async function rejected(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('VaultStore', () => {
  it('stores, reads, lists and deletes; values never appear in the file', async () => {
    const file = tempVaultPath();
    const vault = VaultStore.open(file, KEY);
    expect(await vault.list()).toEqual([]);
    expect(await vault.get('basware-secret')).toBeUndefined();

    await vault.set('basware-secret', 'bw-S3cret-value-91');
    await vault.set('infor-prod-ionapi', '{"ci":"ACME_PRD~x","cs":"ion-client-secret-55"}');
    await vault.set('basware-secret', 'bw-S3cret-value-92'); // replaces

    // A second process (a new store on the same file) sees the same.
    const again = VaultStore.open(file, KEY);
    expect(await again.list()).toEqual(['basware-secret', 'infor-prod-ionapi']);
    expect(await again.get('basware-secret')).toBe('bw-S3cret-value-92');
    expect(await again.get('infor-prod-ionapi')).toBe('{"ci":"ACME_PRD~x","cs":"ion-client-secret-55"}');
    expect(vault.describe()).toBe(`encrypted vault ${file}`);

    const bytes = readFileSync(file);
    for (const plain of ['bw-S3cret-value-91', 'bw-S3cret-value-92', 'ion-client-secret-55', 'ACME_PRD', KEY]) {
      expect(bytes.includes(Buffer.from(plain))).toBe(false);
    }

    expect(await again.delete('basware-secret')).toBe(true);
    expect(await again.delete('basware-secret')).toBe(false);
    expect(await vault.list()).toEqual(['infor-prod-ionapi']);
    expect(await vault.get('basware-secret')).toBeUndefined();
  });

  it('creates the file 0600 in a 0700 folder, and keeps it 0600 across rewrites', async () => {
    const file = tempVaultPath();
    const vault = VaultStore.open(file, KEY);
    await vault.set('a-secret', 'value-one');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(file, '..')).mode & 0o777).toBe(0o700);
    await vault.set('b-secret', 'value-two');
    await vault.delete('a-secret');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // No temporary files left beside it.
    expect(readdirSync(join(file, '..'))).toEqual(['vault.json']);
  });

  it('uses a new random salt for every vault', async () => {
    const a = tempVaultPath();
    const b = tempVaultPath();
    await VaultStore.open(a, KEY).set('x-secret', 'same value');
    await VaultStore.open(b, KEY).set('x-secret', 'same value');
    const saltOf = (f: string) => (JSON.parse(readFileSync(f, 'utf8')) as { kdf: { salt: string } }).kdf.salt;
    expect(Buffer.from(saltOf(a), 'base64').length).toBeGreaterThanOrEqual(16);
    expect(saltOf(a)).not.toBe(saltOf(b));
  });

  it('a wrong master key is a ConfigError (exit 2) that says only that the key does not open this vault', async () => {
    const file = tempVaultPath();
    await VaultStore.open(file, KEY).set('a-secret', 'value-one');
    const err = caught(() => VaultStore.open(file, 'not the right passphrase'));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).exitCode).toBe(EXIT.CONFIG);
    expect((err as ConfigError).message).toMatch(new RegExp(`^MLSYNC_MASTER_KEY does not open the vault at ${file.replace(/[.]/g, '\\.')}\\.`));
    expect((err as ConfigError).message).not.toContain('not the right passphrase');
    expect((err as ConfigError).message).not.toContain(KEY);
  });

  it('refuses a vault that group or others can read or write, and says how to fix it', async () => {
    const file = tempVaultPath();
    const vault = VaultStore.open(file, KEY);
    await vault.set('a-secret', 'value-one');
    for (const mode of [0o640, 0o604, 0o620]) {
      chmodSync(file, mode);
      const err = await rejected(vault.get('a-secret'));
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toContain(`(mode 0${mode.toString(8)})`);
      expect((err as Error).message).toContain(`chmod 600 ${file}`);
      expect(() => VaultStore.open(file, KEY)).toThrow(/can be read or changed by other users/);
    }
    chmodSync(file, 0o600);
    expect(await vault.get('a-secret')).toBe('value-one');
  });

  it('a crash between writing the new file and renaming it leaves the old vault whole and readable', async () => {
    const file = tempVaultPath();
    await VaultStore.open(file, KEY).set('a-secret', 'old value');
    const before = readFileSync(file);
    const crashing = VaultStore.open(file, KEY, {
      rename: () => {
        throw Object.assign(new Error('simulated crash'), { code: 'EIO' });
      },
    });
    const err = await rejected(crashing.set('a-secret', 'new value'));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe(`Could not write the vault ${file} (EIO); it was left as it was.`);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(await VaultStore.open(file, KEY).get('a-secret')).toBe('old value');
    expect(readdirSync(join(file, '..'))).toEqual(['vault.json']);
  });

  it('a changed entry is reported by name, and an entry copied under another name does not open', async () => {
    const file = tempVaultPath();
    const vault = VaultStore.open(file, KEY);
    await vault.set('a-secret', 'value-one');
    await vault.set('b-secret', 'value-two');
    const data = JSON.parse(readFileSync(file, 'utf8')) as { secrets: Record<string, string> };

    const flipped = Buffer.from(data.secrets['a-secret']!, 'base64');
    flipped[flipped.length - 1] = flipped[flipped.length - 1]! ^ 0x01;
    writeFileSync(file, JSON.stringify({ ...data, secrets: { ...data.secrets, 'a-secret': flipped.toString('base64') } }), { mode: 0o600 });
    const err = await rejected(vault.get('a-secret'));
    expect(err).toBeInstanceOf(SealedDataError);
    expect((err as SealedDataError).exitCode).toBe(EXIT.CONFIG);
    expect((err as Error).message).toContain(`The secret 'a-secret' in the vault at ${file} was changed or damaged`);
    expect((err as Error).message).toContain('mlsync secrets set a-secret');
    expect(await vault.get('b-secret')).toBe('value-two');

    writeFileSync(file, JSON.stringify({ ...data, secrets: { ...data.secrets, 'a-secret': data.secrets['b-secret'] } }), { mode: 0o600 });
    await expect(vault.get('a-secret')).rejects.toBeInstanceOf(SealedDataError);
  });

  it('a file that is not a vault is refused with what to do', () => {
    const file = tempVaultPath();
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, '{"hello": "world"}', { mode: 0o600 });
    expect(() => VaultStore.open(file, KEY)).toThrow(/is not an mlsync vault .*Restore it from a backup/);
  });

  it('a name that is not valid is refused', async () => {
    const vault = VaultStore.open(tempVaultPath(), KEY);
    await expect(vault.set('-oops', 'v')).rejects.toThrow(/not a valid secret name/);
    await expect(vault.set('has space', 'v')).rejects.toThrow(ConfigError);
  });

  it('a new vault needs a master key of at least 12 characters', async () => {
    const file = tempVaultPath();
    await expect(VaultStore.open(file, 'short').set('a-secret', 'v')).rejects.toThrow(/MLSYNC_MASTER_KEY is too short to protect a new vault/);
  });

  it('lives beside the default ledger unless MLSYNC_VAULT says otherwise', () => {
    expect(defaultVaultPath({ XDG_STATE_HOME: '/var/state' })).toBe('/var/state/mlsync/vault.json');
    expect(defaultVaultPath({ HOME: '/home/sync' })).toBe('/home/sync/.local/state/mlsync/vault.json');
    expect(resolveVaultPath({ XDG_STATE_HOME: '/var/state', MLSYNC_VAULT: '/etc/mlsync/vault.json' })).toBe('/etc/mlsync/vault.json');
  });
});
