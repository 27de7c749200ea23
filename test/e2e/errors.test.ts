/**
 * What an admin sees when something is wrong: a broken config, a wrong password, a foreign region.
 * Each exits with the contract's code, names what to fix, sends nothing it should not, and leaks no secret.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIGS, json, startE2E, type E2E } from './harness.js';

describe('config errors exit 2 before any request, naming the file and the key', () => {
  let t: E2E;
  beforeAll(async () => {
    t = await startE2E({ seed: 'none' });
  });
  afterAll(async () => t?.close());
  const requestsSoFar = () => t.sandbox.infor.server.log.length + t.sandbox.basware.server.log.length;

  it('a missing environment variable', async () => {
    const before = requestsSoFar();
    const r = await t.cli(['run', 'infor-basware'], { env: { BASWARE_CLIENT_SECRET: '' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/infor-basware\.yaml: ap\.clientSecret \(line \d+\)/);
    const unset = await t.cli(['validate', 'infor-basware'], { env: { INFOR_DIVISION: undefined as unknown as string } });
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain('erp.division');
    expect(unset.stderr).toContain('INFOR_DIVISION is not set');
    expect(requestsSoFar()).toBe(before);
  });

  it('a value of the wrong type', async () => {
    const r = await t.cli(['run', 'infor-basware'], { env: { INFOR_COMPANY: 'ACME' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/erp\.company \(line \d+\): .*numeric M3 company/);
  });

  it('an unknown key, with a suggestion', async () => {
    const yaml = readFileSync(join(CONFIGS, 'infor-basware.yaml'), 'utf8').replace('  clientSecret:', '  clientSecert:');
    const file = join(t.dir, 'typo.yaml');
    writeFileSync(file, yaml);
    const r = await t.cli(['validate', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("clientSecert");
    expect(r.stderr).toContain("did you mean 'clientSecret'");
  });

  it('broken YAML, with the line', async () => {
    const file = join(t.dir, 'broken.yaml');
    writeFileSync(file, 'version: 1\nerp:\n  system: infor\n   ionapi: [unclosed\n');
    const r = await t.cli(['run', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.yaml: line \d+, column \d+/);
  });

  it('a Basware host of another region is refused before any request', async () => {
    const before = requestsSoFar();
    const r = await t.cli(['ping', 'infor-basware'], { env: { BASWARE_BASE_URL: 'https://api.us.basware.com', BASWARE_TOKEN_URL: '' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("api.us.basware.com is Basware's US region, but BASWARE_REGION is EU");
    expect(requestsSoFar()).toBe(before);
  });

  it('an unreadable .ionapi file names the setting and the file', async () => {
    const r = await t.cli(['validate', 'infor-basware'], { env: { INFOR_IONAPI: join(t.dir, 'nope.ionapi') } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('erp.ionapi');
    expect(r.stderr).toContain('nope.ionapi');
  });

  it('validate says what it checked', async () => {
    const r = await t.cli(['validate', 'infor-basware']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('is valid');
    expect(r.stdout).toContain('company 100, division AAA');
  });
});

describe('wrong credentials exit 3 naming the system, and leak nothing', () => {
  let t: E2E;
  beforeAll(async () => {
    // With data to send: a run that has nothing for Basware never needs its token.
    t = await startE2E();
  });
  afterAll(async () => t?.close());

  it('ping with good credentials shows both sides ok', async () => {
    const r = await t.cli(['ping', 'infor-basware', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const [pair] = json<Array<{ pair: string; ok: boolean; systems: Array<{ system: string; ok: boolean; tokenExpiresAt?: string }> }>>(r);
    expect(pair).toMatchObject({ pair: 'infor-basware', ok: true });
    expect(pair!.systems.map((s) => [s.system, s.ok])).toEqual([
      ['infor', true],
      ['basware', true],
    ]);
    expect(pair!.systems.every((s) => typeof s.tokenExpiresAt === 'string')).toBe(true);
  });

  it('a wrong Basware client secret', async () => {
    const secret = 'Wr0ng-basware-s3cret-xyz';
    const trace = join(t.dir, 'trace-basware.jsonl');
    const r = await t.cli(['--trace', trace, 'run', 'infor-basware'], { env: { BASWARE_CLIENT_SECRET: secret } });
    expect(r.code, r.stdout).toBe(3);
    expect(r.stderr).toMatch(/Basware refused/);
    expect(t.sandbox.basware.store.vendors.size).toBe(0);
    expect(r.stderr).toContain('BASWARE_CLIENT_SECRET');
    const everything = r.stdout + r.stderr + readFileSync(trace, 'utf8') + readFileSync(t.db).toString('latin1');
    expect(everything).not.toContain(secret);

    const ping = await t.cli(['ping', 'infor-basware'], { env: { BASWARE_CLIENT_SECRET: secret } });
    expect(ping.code).toBe(3);
    expect(ping.stdout + ping.stderr).toMatch(/Basware/);
    expect(ping.stdout + ping.stderr).not.toContain(secret);
  });

  it('a wrong Infor service-account secret', async () => {
    const io = { ...t.sandbox.infor.ionapi, sask: 'Wr0ngInforSask9876' };
    const file = join(t.dir, 'wrong.ionapi');
    writeFileSync(file, JSON.stringify(io), { mode: 0o600 });
    const trace = join(t.dir, 'trace-infor.jsonl');
    const r = await t.cli(['--trace', trace, 'run', 'infor-basware'], { env: { INFOR_IONAPI: file } });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/Infor CloudSuite refused/);
    expect(r.stderr).toContain('INFOR_IONAPI');
    const everything = r.stdout + r.stderr + readFileSync(trace, 'utf8') + readFileSync(t.db).toString('latin1');
    expect(everything).not.toContain('Wr0ngInforSask9876');
    expect(everything).not.toContain(io.cs);
    expect(t.sandbox.basware.store.vendors.size).toBe(0);
  });
});
