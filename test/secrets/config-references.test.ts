import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadPairConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { secretReferencesIn, secretResolverFor } from '../../src/secrets/config-references.js';
import { Redactor } from '../../src/secrets/redactor.js';
import type { SecretStore } from '../../src/secrets/store.js';
import { VaultStore } from '../../src/secrets/vault.js';

const ENV: NodeJS.ProcessEnv = {
  INFOR_IONAPI: 'ACME_TST.ionapi',
  INFOR_COMPANY: '100',
  INFOR_DIVISION: 'AAA',
  BASWARE_CLIENT_ID: 'mlsync-client',
  BASWARE_COMPANY_CODE: 'ACME',
};

const CONFIG = `# clientSecret: secret:commented-out (not a reference)
erp:
  system: infor
  ionapi: secret:infor-prod-ionapi
  company: \${INFOR_COMPANY}
  division: \${INFOR_DIVISION}
ap:
  system: basware
  baseUrl: https://api.basware.com
  clientId: \${BASWARE_CLIENT_ID}
  clientSecret: "secret:basware-secret"
  companyCode: \${BASWARE_COMPANY_CODE}
  sourceSystem: not secret:just-text
`;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlsync-refs-'));
  dirs.push(dir);
  return dir;
}

function configFile(text: string): string {
  const file = join(tempDir(), 'p.yaml');
  writeFileSync(file, text);
  return file;
}

function fakeStore(values: Record<string, string>): SecretStore {
  return {
    kind: 'vault',
    describe: () => 'fake store',
    get: vi.fn(async (name: string) => values[name]),
    set: async () => {},
    delete: async () => false,
    list: async () => Object.keys(values),
  };
}

describe('secretReferencesIn', () => {
  it('finds whole string values secret:<name>, not comments, partial text or invalid names', () => {
    expect(secretReferencesIn(CONFIG)).toEqual(['basware-secret', 'infor-prod-ionapi']);
    expect(secretReferencesIn('a: [secret:x1, secret:x1, "secret:-bad", secret:]\nb: {c: secret:y.2}\nsecret:k: v\n')).toEqual(['x1', 'y.2']);
    expect(secretReferencesIn('a: [unclosed')).toEqual([]);
  });
});

describe('secretResolverFor', () => {
  it('never opens a store for a config without secret references', async () => {
    const openStore = vi.fn(async () => fakeStore({}));
    expect(await secretResolverFor(configFile('ap:\n  clientSecret: ${BASWARE_CLIENT_SECRET}\n'), ENV, { openStore })).toBeUndefined();
    expect(await secretResolverFor('/no/such/file.yaml', ENV, { openStore })).toBeUndefined();
    expect(openStore).not.toHaveBeenCalled();
  });

  it('looks up exactly the referenced names', async () => {
    const store = fakeStore({ 'basware-secret': 'bw-value', 'infor-prod-ionapi': '{}', unrelated: 'x' });
    const resolve = await secretResolverFor(configFile(CONFIG), ENV, { openStore: async () => store });
    expect(resolve?.('basware-secret')).toBe('bw-value');
    expect(resolve?.('unrelated')).toBeUndefined();
    expect(vi.mocked(store.get).mock.calls.map((c) => c[0])).toEqual(['basware-secret', 'infor-prod-ionapi']);
  });

  it('a store that cannot be opened is a ConfigError naming the file and the references', async () => {
    const file = configFile(CONFIG);
    const err = await secretResolverFor(file, ENV, {
      openStore: async () => {
        throw new ConfigError('No secret store is usable: MLSYNC_MASTER_KEY is not set');
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe(
      `${file} refers to stored secrets (secret:basware-secret, secret:infor-prod-ionapi), but they cannot be read. No secret store is usable: MLSYNC_MASTER_KEY is not set`,
    );
  });

  it('with a real vault, the loader gets the values (a whole .ionapi included) and the redactor learns them', async () => {
    const dir = tempDir();
    const env = { ...ENV, MLSYNC_SECRET_STORE: 'vault', MLSYNC_MASTER_KEY: 'vault passphrase 1', MLSYNC_VAULT: join(dir, 'vault.json') };
    const ionapi = JSON.stringify({ ti: 'ACME_PRD', ci: 'ACME_PRD~ci', cs: 'ion-cs-value-77', iu: 'https://mingle-ionapi.inforcloudsuite.com', pu: 'https://mingle-sso.inforcloudsuite.com:443/ACME_PRD/as/', oa: 'authorization.oauth2', ot: 'token.oauth2', or: 'revoke_token.oauth2', saak: 'ACME_PRD#saak-value', sask: 'sask-value-88' });
    const vault = VaultStore.open(env.MLSYNC_VAULT, env.MLSYNC_MASTER_KEY);
    await vault.set('basware-secret', 'bw-from-the-vault-42');
    await vault.set('infor-prod-ionapi', ionapi);

    const file = configFile(CONFIG);
    const redactor = new Redactor();
    const resolveSecret = await secretResolverFor(file, env);
    const loaded = loadPairConfig(file, { configDir: dir, env, redactor, resolveSecret });
    expect(loaded.config.ap.clientSecret).toBe('bw-from-the-vault-42');
    expect(loaded.config.erp.ionapi).toBe(ionapi);
    expect(redactor.text('bw-from-the-vault-42 ion-cs-value-77 sask-value-88')).toBe('*** *** ***');
  });
});
