import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/exit-codes.js';
import { checkBaswareHost } from '../../src/connectors/basware/descriptor.js';
import { ConfigError } from '../../src/errors.js';
import { defaultLedgerPath, loadPairConfig, resolvePairFile } from '../../src/config/load.js';
import type { LoadOptions } from '../../src/config/load.js';
import { Redactor } from '../../src/secrets/redactor.js';

const SHIPPED_CONFIG_DIR = resolve(import.meta.dirname, '../../configs');

/** What an operator would export for the shipped infor-basware.yaml. */
const ENV: NodeJS.ProcessEnv = {
  INFOR_IONAPI: 'ACME_TST.ionapi',
  INFOR_COMPANY: '100',
  INFOR_DIVISION: 'AAA',
  BASWARE_CLIENT_ID: 'mlsync-client',
  BASWARE_CLIENT_SECRET: 'bw-client-s3cret',
  BASWARE_COMPANY_CODE: 'ACME',
};

const MINIMAL = `erp:
  system: infor
  ionapi: \${INFOR_IONAPI}
  company: \${INFOR_COMPANY}
  division: \${INFOR_DIVISION}
ap:
  system: basware
  baseUrl: \${BASWARE_BASE_URL:-https://api.basware.com}
  tokenUrl: \${BASWARE_TOKEN_URL:-}
  clientId: \${BASWARE_CLIENT_ID}
  clientSecret: \${BASWARE_CLIENT_SECRET}
  region: \${BASWARE_REGION:-EU}
  allowCustomHost: \${BASWARE_ALLOW_CUSTOM_HOST:-false}
  companyCode: \${BASWARE_COMPANY_CODE}
`;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function configDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlsync-config-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** 1-based line of the first line containing `needle`. */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`fixture has no line with ${needle}`);
  return index + 1;
}

function loadError(pair: string, opts: LoadOptions): ConfigError {
  try {
    loadPairConfig(pair, opts);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadPairConfig: valid configs', () => {
  it('validates the shipped configs/infor-basware.yaml with a sample environment', () => {
    const loaded = loadPairConfig('infor-basware', { configDir: SHIPPED_CONFIG_DIR, env: ENV });
    expect(loaded.pair).toBe('infor-basware');
    expect(loaded.file).toBe(join(SHIPPED_CONFIG_DIR, 'infor-basware.yaml'));
    expect(loaded.dir).toBe(SHIPPED_CONFIG_DIR);
    expect(loaded.config.erp).toMatchObject({ system: 'infor', ionapi: 'ACME_TST.ionapi', company: '100', division: 'AAA' });
    expect(loaded.config.ap).toMatchObject({
      system: 'basware',
      baseUrl: 'https://api.basware.com',
      tokenUrl: undefined,
      clientId: 'mlsync-client',
      clientSecret: 'bw-client-s3cret',
      region: 'EU',
      allowCustomHost: false,
      companyCode: 'ACME',
    });
  });

  it('ships only documented defaults: the shipped file means the same as a minimal one', () => {
    const shipped = loadPairConfig('infor-basware', { configDir: SHIPPED_CONFIG_DIR, env: ENV });
    const minimal = loadPairConfig('infor-basware', { configDir: configDir({ 'infor-basware.yaml': MINIMAL }), env: ENV });
    expect(shipped.config).toEqual(minimal.config);
  });

  it('applies the schema defaults and names the pair after the file', () => {
    const dir = configDir({ 'acme-prod.yaml': MINIMAL });
    const { pair, config } = loadPairConfig('acme-prod', { configDir: dir, env: ENV });
    expect(pair).toBe('acme-prod');
    expect(config.pair).toBe('acme-prod');
    expect(config.version).toBe(1);
    expect(config.erp.m3).toMatchObject({ pageSize: 500, costCenterAitp: 2, lagSeconds: 300 });
    expect(config.ap.http).toMatchObject({ concurrency: 4, maxRetryAfterSeconds: 120 });
    expect(config.run).toEqual({ lockStaleSeconds: 120, heartbeatSeconds: 15 });
  });

  it('takes pair: from the file over the file name, and accepts a path instead of a name', () => {
    const dir = configDir({ 'Some File.yml': `pair: acme\n${MINIMAL}` });
    const loaded = loadPairConfig(join(dir, 'Some File.yml'), { configDir: '/nowhere', env: ENV });
    expect(loaded.pair).toBe('acme');
  });

  it('interpolates ${VAR:-default}, inside larger strings, nested defaults and $${ escapes', () => {
    const text = MINIMAL.replace('clientId: ${BASWARE_CLIENT_ID}', () => 'clientId: id-${BASWARE_CLIENT_ID}-$${literal}')
      .replace('companyCode: ${BASWARE_COMPANY_CODE}', 'companyCode: ${NO_SUCH_VAR:-${BASWARE_COMPANY_CODE}-X}')
      .replace('division: ${INFOR_DIVISION}', 'division: ${INFOR_DIVISION:-BBB}');
    const dir = configDir({ 'p.yaml': text });
    const env = { ...ENV, BASWARE_BASE_URL: 'http://127.0.0.1:4010', INFOR_DIVISION: '' };
    const { config } = loadPairConfig('p', { configDir: dir, env });
    expect(config.ap.clientId).toBe('id-mlsync-client-${literal}');
    expect(config.ap.companyCode).toBe('ACME-X');
    expect(config.erp.division).toBe('BBB'); // :- also applies to an empty variable
    expect(config.ap.baseUrl).toBe('http://127.0.0.1:4010');
    expect(config.ap.region).toBe('EU');
  });
});

describe('loadPairConfig: problems name the file, the key path and the line', () => {
  it('reports every unset variable, each with its key, line and variable', () => {
    const dir = configDir({ 'infor-basware.yaml': MINIMAL });
    const shown = relative(process.cwd(), join(dir, 'infor-basware.yaml'));
    const env = { ...ENV };
    delete env.BASWARE_CLIENT_SECRET;
    delete env.INFOR_COMPANY;
    const err = loadError(shown, { configDir: 'unused', env });
    expect(err.exitCode).toBe(EXIT.CONFIG);
    expect(err.problems).toEqual([
      `${shown}: erp.company (line ${lineOf(MINIMAL, 'company:')}): environment variable INFOR_COMPANY is not set`,
      `${shown}: ap.clientSecret (line ${lineOf(MINIMAL, 'clientSecret:')}): environment variable BASWARE_CLIENT_SECRET is not set`,
    ]);
    expect(err.message).toBe(`Configuration ${shown} is not valid:\n  - ${err.problems[0]}\n  - ${err.problems[1]}`);
  });

  it('reports a missing variable of the shipped config relative to ./configs, as the CLI default names it', () => {
    const shipped = readFileSync(join(SHIPPED_CONFIG_DIR, 'infor-basware.yaml'), 'utf8');
    const env = { ...ENV };
    delete env.BASWARE_CLIENT_SECRET;
    const dir = relative(process.cwd(), SHIPPED_CONFIG_DIR);
    const err = loadError('infor-basware', { configDir: `./${dir}`, env });
    expect(err.problems).toEqual([
      `${join(dir, 'infor-basware.yaml')}: ap.clientSecret (line ${lineOf(shipped, 'clientSecret:')}): environment variable BASWARE_CLIENT_SECRET is not set`,
    ]);
  });

  it('shows the resolved file path the way the operator named the config folder', () => {
    const dir = configDir({ 'infor-basware.yaml': MINIMAL });
    const err = loadError('infor-basware', { configDir: dir, env: {} });
    expect(err.problems[0]).toMatch(new RegExp(`^${join(dir, 'infor-basware.yaml')}: erp.ionapi \\(line 3\\): environment variable INFOR_IONAPI is not set$`));
  });

  it('says what type was expected and what was given', () => {
    const text = MINIMAL.replace('  division: ${INFOR_DIVISION}\n', '  division: ${INFOR_DIVISION}\n  m3:\n    pageSize: abc\n') + 'run:\n  lockStaleSeconds: 5\n';
    const dir = configDir({ 'p.yaml': text });
    const err = loadError('p', { configDir: dir, env: { ...ENV, INFOR_COMPANY: 'ACME', BASWARE_ALLOW_CUSTOM_HOST: 'maybe' } });
    expect(err.problems).toEqual([
      `${join(dir, 'p.yaml')}: erp.company (line ${lineOf(text, 'company:')}): expected a numeric M3 company (CONO) such as 100, got "ACME" (from INFOR_COMPANY)`,
      `${join(dir, 'p.yaml')}: erp.m3.pageSize (line ${lineOf(text, 'pageSize:')}): expected a number, got "abc"`,
      `${join(dir, 'p.yaml')}: ap.allowCustomHost (line ${lineOf(text, 'allowCustomHost:')}): expected true or false, got "maybe" (from BASWARE_ALLOW_CUSTOM_HOST)`,
      `${join(dir, 'p.yaml')}: run.lockStaleSeconds (line ${lineOf(text, 'lockStaleSeconds:')}): expected a number at least 10, got 5`,
    ]);
  });

  it('asks for quotes when YAML read a code as a number, and treats an empty key as not set', () => {
    const text = MINIMAL.replace('companyCode: ${BASWARE_COMPANY_CODE}', 'companyCode: 1000').replace('tokenUrl: ${BASWARE_TOKEN_URL:-}', 'tokenUrl:');
    const err = loadError('p', { configDir: configDir({ 'p.yaml': text }), env: ENV });
    expect(err.problems).toEqual([expect.stringContaining(`ap.companyCode (line ${lineOf(text, 'companyCode')}): expected text, got 1000: write it in quotes, "1000"`)]);
    const ok = loadPairConfig('p', { configDir: configDir({ 'p.yaml': text.replace('companyCode: 1000', 'companyCode: "1000"') }), env: ENV });
    expect(ok.config.ap.companyCode).toBe('1000');
    expect(ok.config.ap.tokenUrl).toBeUndefined();
  });

  it('names an unknown key and suggests the known one it is closest to', () => {
    const text = MINIMAL.replace('clientSecret:', 'clientSecert:') + 'colour: blue\nflows: [suppliers, glAccount]\n';
    const dir = configDir({ 'p.yaml': text });
    const err = loadError('p', { configDir: dir, env: ENV });
    const file = join(dir, 'p.yaml');
    expect(err.problems).toContain(`${file}: ap.clientSecert (line ${lineOf(text, 'clientSecert')}): unknown key 'clientSecert' — did you mean 'clientSecret'?`);
    expect(err.problems).toContain(`${file}: ap.clientSecret (line ${lineOf(text, 'ap:')}): missing: expected text`);
    expect(err.problems).toContain(
      `${file}: colour (line ${lineOf(text, 'colour')}): unknown key 'colour' (known keys here: version, pair, erp, ap, flows, invoices, run)`,
    );
    expect(err.problems.find((p) => p.includes('flows[1]'))).toBe(
      `${file}: flows[1] (line ${lineOf(text, 'flows:')}): expected one of "suppliers", "purchaseOrders", "glAccounts", "costCenters", "invoices", "payments", got "glAccount" — did you mean 'glAccounts'?`,
    );
  });

  it('names an unsupported system', () => {
    const text = MINIMAL.replace('system: infor', 'system: sap');
    const err = loadError('p', { configDir: configDir({ 'p.yaml': text }), env: ENV });
    expect(err.problems).toEqual([expect.stringContaining(`erp.system (line 2): expected "infor" (the systems this mlsync supports), got "sap"`)]);
  });

  it('reports broken YAML with file, line, column and the parser message', () => {
    const dir = configDir({ 'tab.yaml': 'erp:\n  system: infor\n\tionapi: x\n', 'dup.yaml': 'erp:\n  system: infor\n  system: sap\n' });
    const err = loadError('tab', { configDir: dir, env: ENV });
    expect(err.problems).toEqual([`${join(dir, 'tab.yaml')}: line 3, column 1: Tabs are not allowed as indentation`]);
    expect(err.message).toBe(`Configuration ${join(dir, 'tab.yaml')} is not valid:\n  - ${err.problems[0]}`);
    expect(loadError('dup', { configDir: dir, env: ENV }).problems).toEqual([`${join(dir, 'dup.yaml')}: line 3, column 3: Map keys must be unique`]);
  });

  it('reports an empty file and a file that is not a mapping', () => {
    const dir = configDir({ 'empty.yaml': '# nothing yet\n', 'list.yaml': '- a\n- b\n' });
    expect(loadError('empty', { configDir: dir, env: ENV }).problems).toEqual([`${join(dir, 'empty.yaml')}: the file is empty; expected a pair config with erp: and ap: sections`]);
    expect(loadError('list', { configDir: dir, env: ENV }).problems).toEqual([
      `${join(dir, 'list.yaml')}: the file must hold a mapping with erp:, ap: and the other sections, got a list`,
    ]);
  });

  it('refuses a file name that cannot be a pair name unless pair: is set', () => {
    const dir = configDir({ 'Acme Prod.yaml': MINIMAL });
    const err = loadError(join(dir, 'Acme Prod.yaml'), { configDir: dir, env: ENV });
    expect(err.problems).toEqual([expect.stringContaining(`the file name 'Acme Prod' is not a valid pair name`)]);
    writeFileSync(join(dir, 'Acme Prod.yaml'), `pair: acme-prod\n${MINIMAL.replace('company: ${INFOR_COMPANY}', 'company: x')}`);
    const other = loadError(join(dir, 'Acme Prod.yaml'), { configDir: dir, env: ENV });
    expect(other.problems).toEqual([expect.stringContaining('erp.company (line 5): expected a numeric M3 company')]);
  });

  it('names the configs present when the pair has none', () => {
    const dir = configDir({ 'infor-basware.yaml': MINIMAL, 'ifs-basware.yml': MINIMAL, 'notes.txt': '' });
    const err = loadError('acumatica-basware', { configDir: dir, env: ENV });
    expect(err.message).toBe(
      `No config for pair 'acumatica-basware': ${join(dir, 'acumatica-basware.yaml')} does not exist (configs present: ifs-basware, infor-basware)`,
    );
    expect(err.exitCode).toBe(EXIT.CONFIG);
    const empty = join(configDir({}), 'sub');
    mkdirSync(empty);
    expect(loadError('x', { configDir: empty, env: ENV }).message).toContain('(configs present: none)');
  });
});

describe('loadPairConfig: Basware host check', () => {
  const load = (env: NodeJS.ProcessEnv) => loadPairConfig('p', { configDir: configDir({ 'p.yaml': MINIMAL }), env: { ...ENV, ...env } });

  it("refuses another region's host with the descriptor's message", () => {
    const check = checkBaswareHost('https://api.us.basware.com', 'EU', false);
    if (check.ok) throw new Error('fixture: expected the check to fail');
    let err: unknown;
    try {
      load({ BASWARE_BASE_URL: 'https://api.us.basware.com' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([expect.stringMatching(/ap\.baseUrl \(line 8\): /)]);
    expect((err as ConfigError).problems[0]).toContain(check.message);
    expect(load({ BASWARE_BASE_URL: 'https://api.us.basware.com', BASWARE_REGION: 'us' }).config.ap.region).toBe('US');
  });

  it('accepts loopback hosts', () => {
    for (const url of ['http://127.0.0.1:4010', 'http://localhost:8080/', 'http://[::1]:9000', 'http://127.8.9.10']) {
      expect(load({ BASWARE_BASE_URL: url }).config.ap.baseUrl).toBe(url.replace(/\/$/, ''));
    }
  });

  it('needs BASWARE_ALLOW_CUSTOM_HOST for any other host', () => {
    expect(() => load({ BASWARE_BASE_URL: 'https://basware-proxy.acme.example' })).toThrowError(/BASWARE_ALLOW_CUSTOM_HOST=true/);
    expect(load({ BASWARE_BASE_URL: 'https://basware-proxy.acme.example', BASWARE_ALLOW_CUSTOM_HOST: 'true' }).config.ap.allowCustomHost).toBe(true);
  });
});

describe('loadPairConfig: secrets', () => {
  it('hands secret config values and secret-named environment variables to the redactor', () => {
    const redactor = new Redactor();
    const env = { ...ENV, SYSPRO_OPERATOR_PASSWORD: 'op-passw0rd', UNRELATED_NAME: 'not-a-secret' };
    loadPairConfig('infor-basware', { configDir: SHIPPED_CONFIG_DIR, env, redactor });
    expect(redactor.text('Basic bw-client-s3cret op-passw0rd not-a-secret mlsync-client')).toBe('Basic *** *** not-a-secret mlsync-client');
  });

  it('learns a secret that is only in the file (not from a secret-named variable)', () => {
    const redactor = new Redactor();
    const text = MINIMAL.replace('clientSecret: ${BASWARE_CLIENT_SECRET}', 'clientSecret: literal-in-file');
    loadPairConfig('p', { configDir: configDir({ 'p.yaml': text }), env: ENV, redactor });
    expect(redactor.text('x literal-in-file y')).toBe('x *** y');
  });

  it('does not mask the .ionapi path, but masks an inline .ionapi content and its keys', () => {
    const redactor = new Redactor();
    const inline = JSON.stringify({ ti: 'ACME', ci: 'ACME~ci', cs: 'cs-value-123', saak: 'ACME#saak', sask: 'sask-value-456' });
    loadPairConfig('p', { configDir: configDir({ 'p.yaml': MINIMAL }), env: { ...ENV, INFOR_IONAPI: '/etc/mlsync/acme.ionapi' }, redactor });
    expect(redactor.text('reading /etc/mlsync/acme.ionapi')).toBe('reading /etc/mlsync/acme.ionapi');
    const text = MINIMAL.replace('ionapi: ${INFOR_IONAPI}', 'ionapi: secret:acme-ionapi');
    const loaded = loadPairConfig('p', { configDir: configDir({ 'p.yaml': text }), env: ENV, redactor, resolveSecret: (n) => (n === 'acme-ionapi' ? inline : undefined) });
    expect(loaded.config.erp.ionapi).toBe(inline);
    expect(redactor.text('cs=cs-value-123 sask-value-456')).toBe('cs=*** ***');
  });

  it('resolves secret:<name> references, and names the command for a missing one', () => {
    const redactor = new Redactor();
    const text = MINIMAL.replace('clientSecret: ${BASWARE_CLIENT_SECRET}', 'clientSecret: secret:basware-prod');
    const dir = configDir({ 'p.yaml': text });
    const loaded = loadPairConfig('p', { configDir: dir, env: ENV, redactor, resolveSecret: (name) => (name === 'basware-prod' ? 'from-the-vault' : undefined) });
    expect(loaded.config.ap.clientSecret).toBe('from-the-vault');
    expect(redactor.text('from-the-vault')).toBe('***');

    const err = loadError('p', { configDir: dir, env: ENV });
    expect(err.problems).toEqual([
      `${join(dir, 'p.yaml')}: ap.clientSecret (line ${lineOf(text, 'clientSecret')}): secret 'basware-prod' is not stored (mlsync secrets set basware-prod)`,
    ]);
  });

  it('quotes an unresolved ${…} of a secret key as written, without learning it as a secret', () => {
    const redactor = new Redactor();
    const text = MINIMAL.replace('clientSecret: ${BASWARE_CLIENT_SECRET}', 'clientSecret: ${BASWARE_CLIENT_SECRET');
    const err = loadError('p', { configDir: configDir({ 'p.yaml': text }), env: ENV, redactor });
    expect(err.problems).toEqual([
      expect.stringContaining('ap.clientSecret (line 11): "${BASWARE_CLIENT_SECRET" must end with "}" or have a default as ${BASWARE_CLIENT_SECRET:-value}'),
    ]);
    expect(redactor.text('${BASWARE_CLIENT_SECRET')).toBe('${BASWARE_CLIENT_SECRET');
  });

  it('does not quote a secret written as a YAML number when it says the value must be text', () => {
    const text = MINIMAL.replace('clientSecret: ${BASWARE_CLIENT_SECRET}', 'clientSecret: 987654321098');
    const err = loadError('p', { configDir: configDir({ 'p.yaml': text }), env: ENV });
    expect(err.problems).toEqual([expect.stringContaining('ap.clientSecret (line 11): expected text, got ***')]);
    expect(err.message).not.toContain('987654321098');
  });

  it('never quotes a secret value in a problem', () => {
    const text = MINIMAL.replace('region: ${BASWARE_REGION:-EU}', 'region: ${BASWARE_CLIENT_SECRET}');
    const err = loadError('p', { configDir: configDir({ 'p.yaml': text }), env: ENV });
    expect(err.problems).toEqual([expect.stringContaining('got "***" (from BASWARE_CLIENT_SECRET)')]);
    expect(err.message).not.toContain('bw-client-s3cret');
  });
});

describe('paths', () => {
  it('resolves a pair name inside the config folder and uses a path as it is', () => {
    expect(resolvePairFile('infor-basware', './configs')).toBe(join('configs', 'infor-basware.yaml'));
    expect(resolvePairFile('/etc/mlsync/acme.yaml', './configs')).toBe('/etc/mlsync/acme.yaml');
    expect(resolvePairFile('acme.yml', './configs')).toBe('acme.yml');
    expect(resolvePairFile('sub/acme', './configs')).toBe('sub/acme');
  });

  it('puts the ledger under XDG_STATE_HOME, else ~/.local/state', () => {
    expect(defaultLedgerPath({ XDG_STATE_HOME: '/var/state', HOME: '/home/ops' })).toBe('/var/state/mlsync/ledger.sqlite');
    expect(defaultLedgerPath({ XDG_STATE_HOME: 'relative/ignored', HOME: '/home/ops' })).toBe('/home/ops/.local/state/mlsync/ledger.sqlite');
    expect(defaultLedgerPath({ HOME: '/home/ops' })).toBe('/home/ops/.local/state/mlsync/ledger.sqlite');
  });
});
