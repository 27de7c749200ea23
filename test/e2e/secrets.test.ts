/**
 * `mlsync secrets` as an admin uses it, and pair configs that refer to stored secrets: the CLI runs as a
 * real child process, the value goes in on stdin, and `validate` and `ping` reach the sandbox with
 * credentials that exist only in the vault (or, where one answers, the OS keychain).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeKeychain } from '../../src/secrets/keychain.js';
import { BIN, CONFIGS, json, startE2E, type CliResult, type E2E } from './harness.js';

const MASTER_KEY = 'e2e master passphrase 5Qx';
const IN_CI = /^(true|1)$/i.test(process.env.CI ?? '');
const HAS_KEYTAR = (() => {
  try {
    createRequire(import.meta.url).resolve('keytar');
    return true;
  } catch {
    return false;
  }
})();
/** util-linux `script` gives the CLI a real terminal (a pseudo-terminal) for the hidden prompt. */
const HAS_SCRIPT = process.platform === 'linux' && spawnSync('script', ['--version']).error === undefined;

let t: E2E;
let vaultFile: string;
/** The sandbox's real credentials, which must never show in any output. */
let baswareSecret: string;
let ionapiText: string;
let ionapiSecrets: string[];

beforeAll(async () => {
  t = await startE2E({ seed: 'none' });
  vaultFile = join(t.dir, 'vault', 'vault.json');
  baswareSecret = t.env.BASWARE_CLIENT_SECRET!;
  ionapiText = readFileSync(t.env.INFOR_IONAPI!, 'utf8');
  const ionapi = JSON.parse(ionapiText) as Record<string, string>;
  ionapiSecrets = [ionapi.cs!, ionapi.sask!];
});
afterAll(async () => t?.close());

/** The environment of the vault tests: credentials only in the vault, never in the environment. */
function vaultEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { ...t.env, MLSYNC_SECRET_STORE: 'vault', MLSYNC_MASTER_KEY: MASTER_KEY, MLSYNC_VAULT: vaultFile, ...extra };
  delete env.BASWARE_CLIENT_SECRET;
  delete env.INFOR_IONAPI;
  return env;
}

/** Runs the CLI with `input` on stdin (the harness's children get no stdin). */
function cli(args: string[], env: Record<string, string>, input?: string): Promise<CliResult> {
  return new Promise((resolveRun, rejectRun) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: t.dir,
      env: { PATH: process.env.PATH ?? '', HOME: t.dir, TZ: 'UTC', ...env },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', rejectRun);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolveRun({ code, signal, stdout, stderr });
    });
    child.stdin?.end(input);
  });
}

function expectNoneOf(r: CliResult, values: string[]): void {
  for (const value of values) {
    expect(r.stdout, 'stdout').not.toContain(value);
    expect(r.stderr, 'stderr').not.toContain(value);
  }
}

/** The shipped config with the Basware client secret and the whole .ionapi file taken from stored secrets. */
function configWithSecrets(dir: string, names: { basware: string; ionapi: string }): string {
  const yaml = readFileSync(join(CONFIGS, 'infor-basware.yaml'), 'utf8')
    .replace('clientSecret: ${BASWARE_CLIENT_SECRET}', `clientSecret: secret:${names.basware}`)
    .replace('ionapi: ${INFOR_IONAPI}', `ionapi: secret:${names.ionapi}`);
  expect(yaml).toContain(`secret:${names.basware}`);
  expect(yaml).toContain(`secret:${names.ionapi}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'infor-basware.yaml'), yaml);
  return dir;
}

describe('mlsync secrets with the vault', () => {
  it('set reads the value from stdin; list shows the store and the names, never the values', async () => {
    const set = await cli(['secrets', 'set', 'basware-secret'], vaultEnv(), `${baswareSecret}\n`);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain(`Stored secret 'basware-secret' in the encrypted vault ${vaultFile}`);
    expect(statSync(vaultFile).mode & 0o777).toBe(0o600);

    const ionapi = await cli(['secrets', 'set', 'infor-sandbox-ionapi'], vaultEnv(), ionapiText);
    expect(ionapi.code, ionapi.stderr).toBe(0);

    const list = await cli(['secrets', 'list'], vaultEnv());
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`Secret store: encrypted vault ${vaultFile}`);
    expect(list.stdout).toMatch(/ {2}basware-secret\n.* {2}infor-sandbox-ionapi\n/);

    const listed = await cli(['secrets', 'list', '--json'], vaultEnv());
    expect(json(listed)).toEqual({ store: { kind: 'vault', location: `encrypted vault ${vaultFile}` }, names: ['basware-secret', 'infor-sandbox-ionapi'] });

    for (const r of [set, ionapi, list, listed]) expectNoneOf(r, [baswareSecret, ...ionapiSecrets, MASTER_KEY]);
    const bytes = readFileSync(vaultFile, 'utf8');
    for (const value of [baswareSecret, ...ionapiSecrets]) expect(bytes).not.toContain(value);
  });

  // Independent child processes that store nothing: side by side.
  describe.concurrent('a value on the command line', () => {
    it.each([
      ['after the name', ['secrets', 'set', 'argv-secret', 'Pl41n-argv-value']],
      ['as an option', ['secrets', 'set', 'argv-secret', '--value=Pl41n-argv-value']],
      ['as an option before the name', ['secrets', 'set', '--value=Pl41n-argv-value', 'argv-secret']],
      ['with --json', ['--json', 'secrets', 'set', 'argv-secret', 'Pl41n-argv-value']],
    ])('refuses a value on the command line (%s): exit 2, why, and the value nowhere', async (_how, args) => {
      const r = await cli(args, vaultEnv(), 'from-stdin-not-used\n');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('secrets set takes the secret\'s name only, never its value');
      expect(r.stderr).toContain('shell history');
      expect(r.stderr).toContain('ps output');
      expectNoneOf(r, ['Pl41n-argv-value']);
      if (existsSync(vaultFile)) expect(readFileSync(vaultFile, 'utf8')).not.toContain('argv-secret');
    });
  });

  it('delete removes a name; a mistyped one is exit 2 with a suggestion', async () => {
    expect((await cli(['secrets', 'set', 'short-lived'], vaultEnv(), 'to-be-deleted-1')).code).toBe(0);
    const typo = await cli(['secrets', 'delete', 'short-livd'], vaultEnv());
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("There is no secret 'short-livd'");
    expect(typo.stderr).toContain("did you mean 'short-lived'?");
    const del = await cli(['secrets', 'delete', 'short-lived'], vaultEnv());
    expect(del.code).toBe(0);
    expect(json(await cli(['secrets', 'list', '--json'], vaultEnv())).names).not.toContain('short-lived');
  });

  it('a config with clientSecret: secret:… and ionapi: secret:… validates and pings the sandbox with values from the vault', async () => {
    const configDir = configWithSecrets(join(t.dir, 'configs-vault'), { basware: 'basware-secret', ionapi: 'infor-sandbox-ionapi' });
    const args = (cmd: string[]) => ['--config-dir', configDir, ...cmd];
    const sent = () => t.sandbox.basware.server.log.length + t.sandbox.infor.server.log.length;

    const before = sent();
    const validate = await cli(args(['validate', 'infor-basware']), vaultEnv());
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stdout).toContain('is valid');
    expect(sent()).toBe(before);

    const ping = await cli(args(['--json', 'ping', 'infor-basware']), vaultEnv());
    expect(ping.code, ping.stderr).toBe(0);
    const report = json<Array<{ ok: boolean; systems: Array<{ ok: boolean }> }>>(ping);
    expect(report[0]!.ok).toBe(true);
    expect(report[0]!.systems.map((s) => s.ok)).toEqual([true, true]);
    expect(sent()).toBeGreaterThan(before);
    for (const r of [validate, ping]) expectNoneOf(r, [baswareSecret, ...ionapiSecrets, MASTER_KEY]);

    // The secret really came from the vault: with another master key the same command cannot start.
    const wrongKey = await cli(args(['validate', 'infor-basware']), vaultEnv({ MLSYNC_MASTER_KEY: 'another passphrase 9z' }));
    expect(wrongKey.code).toBe(2);
    expect(wrongKey.stderr).toContain(`MLSYNC_MASTER_KEY does not open the vault at ${vaultFile}`);
    expect(wrongKey.stderr).toContain('refers to stored secrets (secret:basware-secret, secret:infor-sandbox-ionapi)');
    expect(wrongKey.stderr).not.toContain('another passphrase 9z');
  });

  it('a config that refers to a secret not stored names the setting and the command to store it', async () => {
    const configDir = configWithSecrets(join(t.dir, 'configs-missing'), { basware: 'never-stored', ionapi: 'infor-sandbox-ionapi' });
    const r = await cli(['--config-dir', configDir, 'validate', 'infor-basware'], vaultEnv());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ap\.clientSecret \(line \d+\): secret 'never-stored' is not stored \(mlsync secrets set never-stored\)/);
  });

  it('with neither a keychain nor MLSYNC_MASTER_KEY, says what to set (exit 2)', async () => {
    const env = vaultEnv();
    delete env.MLSYNC_MASTER_KEY;
    delete env.MLSYNC_SECRET_STORE;
    const r = await cli(['secrets', 'list'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('No secret store is usable: MLSYNC_MASTER_KEY is not set');
    expect(r.stderr).toContain('dbus-run-session');
  });
});

// Two slow, independent checks (a terminal session; a 3-second probe timeout): side by side.
describe.concurrent('the hidden prompt and a keychain that never answers', () => {
  it.skipIf(!HAS_SCRIPT)('at a real terminal, set asks twice and the terminal shows nothing of what was typed', async () => {
    const value = 'Pty-S3cret-value-61';
    const env = { PATH: process.env.PATH ?? '', HOME: t.dir, TZ: 'UTC', ...vaultEnv() };
    const child = spawn('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} secrets set pty-secret`, '/dev/null'], {
      cwd: t.dir,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    let answered = 0;
    // Type only once the prompt is there, as a person would: keys typed earlier would be echoed by the terminal itself.
    child.stdout.on('data', (d: Buffer) => {
      screen += d.toString();
      const prompts = (screen.match(/typing is not shown|again to confirm/g) ?? []).length;
      if (prompts > answered) {
        answered = prompts;
        child.stdin.write(`${value}\r`);
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise<number | null>((done) => child.on('close', done));
    clearTimeout(timer);
    expect(code, screen).toBe(0);
    expect(screen).toContain("Value of secret 'pty-secret' (typing is not shown)");
    expect(screen).toContain('Type it again to confirm');
    expect(screen).toContain("Stored secret 'pty-secret'");
    expect(screen).not.toContain(value);
    expect(readFileSync(vaultFile, 'utf8')).not.toContain(value);
    expect(json(await cli(['secrets', 'list', '--json'], vaultEnv())).names).toContain('pty-secret');
  });

  it.skipIf(!HAS_KEYTAR && !IN_CI)('a D-Bus session that accepts and never answers costs the probe timeout, not a hung cron job', async () => {
    const socket = join(t.dir, 'silent-bus.sock');
    const silent = createServer(() => {});
    await new Promise<void>((ready) => silent.listen(socket, ready));
    try {
      const env = vaultEnv({ DBUS_SESSION_BUS_ADDRESS: `unix:path=${socket}` });
      delete env.MLSYNC_SECRET_STORE;
      const started = Date.now();
      const r = await cli(['--json', 'secrets', 'list'], env);
      expect(r.code, r.stderr).toBe(0);
      expect(json(r).store).toEqual({ kind: 'vault', location: `encrypted vault ${vaultFile}` });
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      silent.close();
    }
  });
});

// The real keychain through the CLI: runs where a Secret Service answers (CI: .ci/with-keyring), must under CI=true.
const probe = await probeKeychain({ timeoutMs: 10_000 });
const keychainMissing = probe.ok ? undefined : probe.reason;

describe.skipIf(keychainMissing !== undefined && !IN_CI)(`mlsync secrets with the OS keychain${keychainMissing && !IN_CI ? ` (skipped: ${keychainMissing})` : ''}`, () => {
  const suffix = randomBytes(4).toString('hex');
  const names = { basware: `e2e-basware-${suffix}`, ionapi: `e2e-ionapi-${suffix}` };
  /** The child needs this process's D-Bus session to reach the keyring. */
  const keychainEnv = (): Record<string, string> => {
    const env = vaultEnv({ MLSYNC_SECRET_STORE: 'keychain' });
    for (const name of ['DBUS_SESSION_BUS_ADDRESS', 'DISPLAY', 'XDG_RUNTIME_DIR']) if (process.env[name]) env[name] = process.env[name]!;
    delete env.MLSYNC_MASTER_KEY;
    return env;
  };
  afterAll(async () => {
    if (!probe.ok) return;
    for (const name of Object.values(names)) await probe.keytar.deletePassword('mlsync', name);
  });

  it('a keychain service answers (under CI=true this must hold)', () => {
    expect(keychainMissing).toBeUndefined();
  });

  it('set, list, validate and ping from the keychain, delete', async () => {
    const set = await cli(['secrets', 'set', names.basware], keychainEnv(), baswareSecret);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toMatch(/in the OS keychain \(.*service 'mlsync'\)/);
    expect((await cli(['secrets', 'set', names.ionapi], keychainEnv(), ionapiText)).code).toBe(0);

    const list = json<{ store: { kind: string }; names: string[] }>(await cli(['--json', 'secrets', 'list'], keychainEnv()));
    expect(list.store.kind).toBe('keychain');
    expect(list.names).toEqual(expect.arrayContaining([names.basware, names.ionapi]));

    const configDir = configWithSecrets(join(t.dir, 'configs-keychain'), names);
    const ping = await cli(['--config-dir', configDir, 'ping', 'infor-basware'], keychainEnv());
    expect(ping.code, ping.stderr).toBe(0);
    expectNoneOf(ping, [baswareSecret, ...ionapiSecrets]);

    expect((await cli(['secrets', 'delete', names.basware], keychainEnv())).code).toBe(0);
    const after = await cli(['--config-dir', configDir, 'validate', 'infor-basware'], keychainEnv());
    expect(after.code).toBe(2);
    expect(after.stderr).toContain(`secret '${names.basware}' is not stored`);
  });
});
