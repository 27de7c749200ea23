/**
 * The canary: every credential gets a distinctive value, the CLI does everything an admin does with it
 * (demo, sync, a refused invoice, replay, ping, failing logins, --trace, --json, a run killed mid-write),
 * and then not one of those values, in any spelling that could leak (as is, URL-encoded, base64, in a
 * Basic header), nor any token the simulators issued, may be found in stdout, stderr, a trace file or
 * the bytes of the ledger and its write-ahead log.
 */
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEncryptedTokenCache, MASTER_KEY_ENV } from '../../src/auth/token-cache.js';
import type { TokenBlobStore } from '../../src/auth/types.js';
import { KILL_ENV, KILL_POINTS } from '../../src/engine/failpoints.js';
import { DEMO_CREDENTIALS_ENV } from '../../src/cli/commands/demo.js';
import { SANDBOX_BASWARE_CLIENT, type SandboxCredentials } from '../../src/sandbox/pairs/infor-basware.js';
import type { SimServer } from '../../src/sandbox/kit/server.js';
import { json, startE2E, type CliResult, type E2E } from './harness.js';
import { inforBaswareProbe as probe } from './outbox-probes.js';

const MARK = 'CANARY';
const SECRETS = {
  baswareSecret: `${MARK}-basware-9f3e71c2a8d4`,
  inforCi: `ACME_PRD~${MARK}-ci-5b8d20e4f1`,
  inforCs: `${MARK}-cs-d41f9a7c63b0`,
  // '#' and '~' make the URL-encoded spelling differ from the plain one.
  inforSaak: `ACME_PRD#${MARK}-saak-0c6e3b91aa`,
  inforSask: `${MARK}-sask-7a2f5e08d3c9`,
  masterKey: `${MARK}-master-4e9b1f7d20`,
  wrongBaswareSecret: `${MARK}-wrongbasware-3c81e6f0`,
  wrongInforSask: `${MARK}-wrongsask-b5d7092e`,
} as const;
const BASWARE_CLIENT_ID = SANDBOX_BASWARE_CLIENT.client_id;
const CREDENTIALS: SandboxCredentials = {
  basware: { clientSecret: SECRETS.baswareSecret },
  infor: { ci: SECRETS.inforCi, cs: SECRETS.inforCs, saak: SECRETS.inforSaak, sask: SECRETS.inforSask },
};

interface Needle {
  what: string;
  value: string;
}
interface Artifact {
  name: string;
  bytes: Buffer;
}

const base64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const base64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

/** Every spelling of a secret that would give it away. */
function spellings(what: string, value: string): Needle[] {
  const tail = value.slice(value.lastIndexOf('-') + 1);
  return [
    { what, value },
    { what: `${what} (URL-encoded)`, value: encodeURIComponent(value) },
    { what: `${what} (its random tail)`, value: tail },
    { what: `${what} (base64)`, value: base64(value) },
    { what: `${what} (base64url)`, value: base64url(value) },
  ];
}

function secretNeedles(): Needle[] {
  return [
    { what: `the ${MARK} mark of any secret`, value: MARK },
    ...Object.entries(SECRETS).flatMap(([what, value]) => spellings(what, value)),
    { what: 'Basware Basic credentials', value: base64(`${BASWARE_CLIENT_ID}:${SECRETS.baswareSecret}`) },
    { what: 'wrong Basware Basic credentials', value: base64(`${BASWARE_CLIENT_ID}:${SECRETS.wrongBaswareSecret}`) },
    { what: 'Infor Basic credentials', value: base64(`${SECRETS.inforCi}:${SECRETS.inforCs}`) },
  ];
}

/** Each needle found in each artifact, as "what in where". */
function leaks(artifacts: Artifact[], needles: Needle[]): string[] {
  const found: string[] = [];
  for (const a of artifacts) {
    for (const n of needles) if (a.bytes.includes(Buffer.from(n.value, 'utf8'))) found.push(`${n.what} in ${a.name}`);
  }
  return found;
}

/** Bearer tokens the simulators saw: the access tokens they issued and mlsync used. */
function bearerTokens(...servers: SimServer[]): string[] {
  const tokens = new Set<string>();
  for (const s of servers) {
    for (const entry of s.log) {
      const m = /^Bearer (.+)$/.exec(entry.headers.authorization ?? '');
      if (m) tokens.add(m[1]!);
    }
  }
  return [...tokens];
}

/** Basic credentials the simulators received (proof that the canary credentials were the ones sent). */
function basicCredentials(...servers: SimServer[]): Set<string> {
  return new Set(servers.flatMap((s) => s.log.map((e) => /^Basic (.+)$/.exec(e.headers.authorization ?? '')?.[1]).filter((c): c is string => !!c)));
}

/**
 * The tokens a ledger caches, opened with the canary credentials: proof that they were the ones in use, and
 * the plaintext (refresh tokens included) that must not be found in the file. Reads only; a blob that does
 * not open is left as it is.
 */
function cachedTokens(dbFile: string): { infor: string[]; basware: string[] } {
  const db = new Database(dbFile, { readonly: true });
  const rows = db.prepare('SELECT key, blob FROM token_blobs').all() as Array<{ key: string; blob: Buffer }>;
  db.close();
  const store: TokenBlobStore = {
    loadBlob: (key) => rows.find((r) => r.key === key)?.blob,
    saveBlob: () => undefined,
    removeBlob: () => undefined,
  };
  const env = { [MASTER_KEY_ENV]: SECRETS.masterKey };
  const open = (material: string[]) => {
    const cache = createEncryptedTokenCache(store, material, env);
    return rows.flatMap((r) => {
      const t = cache.load(r.key);
      return t ? [t.accessToken, t.refreshToken].filter((v): v is string => !!v) : [];
    });
  };
  return { infor: open([SECRETS.inforCs, SECRETS.inforSask]), basware: open([SECRETS.baswareSecret]) };
}

/** As an Infor admin revoking a token in ION API (apis/infor.md §3). */
async function revokeInforToken(t: E2E, token: string): Promise<void> {
  const ionapi = JSON.parse(readFileSync(t.sandbox.env.INFOR_IONAPI!, 'utf8')) as { pu: string; or: string };
  const res = await fetch(ionapi.pu + ionapi.or, {
    method: 'POST',
    headers: { authorization: `Basic ${base64(`${SECRETS.inforCi}:${SECRETS.inforCs}`)}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }).toString(),
  });
  if (res.status !== 200) throw new Error(`revoking the Infor token failed: HTTP ${res.status}`);
}

function readIfThere(file: string): Buffer | undefined {
  return existsSync(file) ? readFileSync(file) : undefined;
}

describe('canary: distinctive secrets appear nowhere', () => {
  let t: E2E;
  const results = new Map<string, CliResult>();
  const artifacts: Artifact[] = [];
  const tokens = new Set<string>();
  let basicSeen = new Set<string>();
  let demoTokens: { infor: string[]; basware: string[] } = { infor: [], basware: [] };
  let ledgerTokens: { infor: string[]; basware: string[] } = { infor: [], basware: [] };
  let walBeforeRecovery: Buffer | undefined;
  let victimId = 0;

  beforeAll(async () => {
    t = await startE2E({ invoices: true, credentials: CREDENTIALS });
    const trace = (name: string) => join(t.dir, `trace-${name}.jsonl`);
    const cli = async (name: string, args: string[], env: Record<string, string> = {}) => {
      const r = await t.cli(['--trace', trace(name), ...args], { env: { [MASTER_KEY_ENV]: SECRETS.masterKey, ...env } });
      results.set(name, r);
      return r;
    };

    // The demo starts simulators of its own; it runs alongside the rest on its own ledger.
    const credentialsFile = join(t.dir, 'demo-credentials.json');
    writeFileSync(credentialsFile, JSON.stringify(CREDENTIALS), { mode: 0o600 });
    const demoDb = join(t.dir, 'demo.sqlite');
    const demo = cli('demo', ['--db', demoDb, '--json', 'demo'], { [DEMO_CREDENTIALS_ENV]: credentialsFile });

    await cli('mirror', ['run', 'infor-basware', '--flows', 'suppliers,glAccounts,costCenters']);

    // A failed write: M3 refuses one invoice. The first attempt is killed right after a posting commits,
    // so the write-ahead log holds fresh pages when its bytes are read.
    const victim = probe.ordinary(t)[0]!;
    probe.refuseInErp(t, victim, true);
    await cli('killed', ['run', 'infor-basware', '--flows', 'invoices,payments'], { [KILL_ENV]: KILL_POINTS.AFTER_POSTED_COMMIT });
    walBeforeRecovery = readIfThere(`${t.db}-wal`);
    // Revoke the cached Infor access token, so the next run is refused once and refreshes it (refresh_token grant).
    await revokeInforToken(t, bearerTokens(t.sandbox.infor.server).at(-1)!);
    await cli('refused', ['--verbose', 'run', 'infor-basware', '--flows', 'invoices,payments']);
    const db = new Database(t.db, { readonly: true });
    victimId = (db.prepare("SELECT id FROM records WHERE flow = 'invoices' AND source_key = ?").get(victim) as { id: number }).id;
    db.close();

    await cli('replay-refused', ['replay', String(victimId)]);
    probe.refuseInErp(t, victim, false);
    await cli('replay', ['--json', 'replay', String(victimId)]);
    await cli('ping', ['--json', 'ping', 'infor-basware']);
    // Before the failing logins: a cached token that no longer opens with the credentials in use is dropped.
    ledgerTokens = cachedTokens(t.db);
    const ledgerBeforeLogins = readFileSync(t.db);

    // Failing logins, each with a wrong secret that is itself distinctive.
    await cli('run-wrong-basware', ['run', 'infor-basware', '--flows', 'invoices'], { BASWARE_CLIENT_SECRET: SECRETS.wrongBaswareSecret });
    await cli('ping-wrong-basware', ['ping', 'infor-basware'], { BASWARE_CLIENT_SECRET: SECRETS.wrongBaswareSecret });
    const wrongIonapi = join(t.dir, 'wrong.ionapi');
    const ionapi = JSON.parse(readFileSync(t.sandbox.env.INFOR_IONAPI!, 'utf8')) as Record<string, string>;
    writeFileSync(wrongIonapi, JSON.stringify({ ...ionapi, sask: SECRETS.wrongInforSask }), { mode: 0o600 });
    await cli('run-wrong-infor', ['--json', 'run', 'infor-basware'], { INFOR_IONAPI: wrongIonapi });
    await cli('ping-wrong-infor', ['--json', 'ping', 'infor-basware'], { INFOR_IONAPI: wrongIonapi });

    // What the ledger shows back.
    await cli('status', ['--json', 'status']);
    await cli('audit-show', ['--json', 'audit', 'show', String(victimId)]);
    await cli('audit', ['--json', 'audit', '--limit', '1000']);

    await demo;

    for (const [name, r] of results) {
      artifacts.push({ name: `stdout of ${name}`, bytes: Buffer.from(r.stdout) }, { name: `stderr of ${name}`, bytes: Buffer.from(r.stderr) });
      const traced = readIfThere(trace(name));
      if (traced) artifacts.push({ name: `trace of ${name}`, bytes: traced });
    }
    if (walBeforeRecovery) artifacts.push({ name: 'ledger -wal after the kill', bytes: walBeforeRecovery });
    artifacts.push({ name: 'ledger before the failing logins', bytes: ledgerBeforeLogins });
    for (const file of [t.db, `${t.db}-wal`, demoDb, `${demoDb}-wal`]) {
      const bytes = readIfThere(file);
      if (bytes) artifacts.push({ name: file, bytes });
    }

    basicSeen = basicCredentials(t.sandbox.infor.server, t.sandbox.basware.server);
    demoTokens = cachedTokens(demoDb);
    for (const tk of [
      ...bearerTokens(t.sandbox.infor.server, t.sandbox.basware.server),
      ...demoTokens.infor,
      ...demoTokens.basware,
      ...ledgerTokens.infor,
      ...ledgerTokens.basware,
    ]) {
      tokens.add(tk);
    }
  }, 60_000);
  afterAll(async () => t?.close());

  it('the commands did what they were meant to, with the canary credentials', () => {
    const code = (name: string) => results.get(name)?.code;
    const why = (name: string) => results.get(name)?.stderr;
    expect(code('demo'), why('demo')).toBe(0);
    expect(code('mirror'), why('mirror')).toBe(0);
    expect(results.get('killed')?.signal).toBe('SIGKILL');
    expect(code('refused'), why('refused')).toBe(1);
    expect(results.get('refused')?.stderr).toMatch(new RegExp(`failed: invoices .*record ${victimId}`));
    expect(code('replay-refused'), why('replay-refused')).toBe(1);
    expect(json<{ outcome: string }>(results.get('replay')!).outcome).toBe('posted');
    expect(code('ping'), why('ping')).toBe(0);
    expect(code('run-wrong-basware')).toBe(3);
    expect(results.get('run-wrong-basware')?.stderr).toMatch(/Basware refused/);
    expect(code('ping-wrong-basware')).toBe(3);
    expect(code('run-wrong-infor')).toBe(3);
    expect(code('ping-wrong-infor')).toBe(3);
    expect(results.get('ping-wrong-infor')?.stdout).toMatch(/Infor CloudSuite refused the service account/);

    // The simulators received exactly the canary credentials, so every spelling searched for was really in play.
    expect(basicSeen).toContain(base64(`${BASWARE_CLIENT_ID}:${SECRETS.baswareSecret}`));
    expect(basicSeen).toContain(base64(`${BASWARE_CLIENT_ID}:${SECRETS.wrongBaswareSecret}`));
    expect(basicSeen).toContain(base64(`${SECRETS.inforCi}:${SECRETS.inforCs}`));
    // Both ledgers cache tokens that open only with the canary secrets and master key: the demo used them too.
    expect(demoTokens.infor.length).toBeGreaterThan(0);
    expect(demoTokens.basware.length).toBeGreaterThan(0);
    expect(ledgerTokens.infor.length).toBeGreaterThan(1); // an access and a refresh token
    expect(ledgerTokens.basware.length).toBeGreaterThan(0);
    expect(tokens.size).toBeGreaterThan(4);
    // Traces and the write-ahead log were written, so their bytes were searched.
    expect(walBeforeRecovery?.length ?? 0).toBeGreaterThan(0);
    const traceOf = (name: string) => artifacts.find((a) => a.name === `trace of ${name}`)!.bytes.toString();
    expect(traceOf('mirror')).toContain('"label":"token (password)"');
    expect(traceOf('mirror')).toContain('"label":"token (client_credentials)"');
    expect(traceOf('refused')).toContain('"label":"token (refresh_token)"');
    expect(traceOf('run-wrong-basware')).toMatch(/"status":401/);
  });

  it('no secret, in any spelling, in stdout, stderr, a trace or the ledger bytes', () => {
    expect(artifacts.length).toBeGreaterThan(30);
    expect(leaks(artifacts, secretNeedles())).toEqual([]);
  });

  it('no issued access or refresh token either', () => {
    const needles = [...tokens].map((value) => ({ what: `token ${value.slice(0, 6)}…`, value }));
    expect(leaks(artifacts, needles)).toEqual([]);
  });

  it('the search finds a leak where there is one', () => {
    const token = [...tokens][0]!;
    const planted = join(t.dir, 'planted.txt');
    writeFileSync(
      planted,
      `Authorization: Basic ${base64(`${BASWARE_CLIENT_ID}:${SECRETS.baswareSecret}`)}\n` +
        `username=${encodeURIComponent(SECRETS.inforSaak)}&password=***\n` +
        `sask ends ${SECRETS.inforSask.slice(-12)}; Bearer ${token}\n`,
    );
    const found = leaks([{ name: 'planted.txt', bytes: readFileSync(planted) }], [...secretNeedles(), { what: 'an issued token', value: token }]);
    expect(found).toEqual(
      expect.arrayContaining([
        'the CANARY mark of any secret in planted.txt',
        'Basware Basic credentials in planted.txt',
        'inforSaak (URL-encoded) in planted.txt',
        'inforSask (its random tail) in planted.txt',
        'an issued token in planted.txt',
      ]),
    );
    expect(leaks([{ name: 'masked.txt', bytes: Buffer.from('Authorization: ***\nusername=***&password=***\n') }], secretNeedles())).toEqual([]);
  });
});
