/** Gateway quotas and fault switches (apis/infor.md §8; §7 items 25, 26). */
import { afterAll, beforeEach, describe, expect, test } from 'vitest';
import { startInforSimulator, type InforSimulator } from '../../../src/sandbox/infor/index.js';
import { control, M3Client, secondsToUtcMidnight } from './harness.js';

let sim: InforSimulator;
let m3: M3Client;
const ready = startInforSimulator({ seed: 'none' }).then((s) => (sim = s));

const SEED = { suppliers: [{ SUNO: '10001', SUNM: 'Acme Components Ltd', CUCD: 'EUR' }], accountIds: [{ AITP: '1', AITM: '6110' }] };
const HEAD = { DIVI: 'AAA', SUNO: '10001', IVDT: '20240701', SINO: 'INV-1', CUAM: '100.00' };
const LOOKUP = { DIVI: 'AAA', SPYN: '10001', SUNO: '10001', SINO: 'INV-1' };

beforeEach(async () => {
  await ready;
  sim.reset({ seed: SEED });
  m3 = new M3Client(sim);
  await m3.login();
});
afterAll(async () => sim.close());

const getSupplier = () => m3.call('CRS620MI', 'GetBasicData', { SUNO: '10001' });

describe('call quotas (§8)', () => {
  test('callsPerMinute: the call over the limit is 429 with Retry-After and the §4 body; the next minute is free', async () => {
    sim.setConfig({ callsPerMinute: 3 });
    for (let i = 0; i < 3; i++) expect((await getSupplier()).status).toBe(200);
    const refused = await getSupplier();
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ error: 'Too Many Requests', message: 'API call rate exceeded' });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(sim.stats().gatewayCalls).toBe(3);
    sim.setClockOffset(retryAfter);
    expect((await getSupplier()).status).toBe(200);
  });

  test('callsPerDay: 429 with Retry-After to UTC midnight', async () => {
    sim.setConfig({ callsPerDay: 2 });
    await getSupplier();
    await getSupplier();
    const now = sim.server.clock.nowMs();
    const refused = await getSupplier();
    expect(refused.status).toBe(429);
    expect(refused.body.message).toBe('API call quota exceeded');
    expect(Math.abs(Number(refused.headers.get('retry-after')) - secondsToUtcMidnight(now))).toBeLessThanOrEqual(2);
    expect(sim.stats().quotaRejections).toBe(1);
  });

  test('calls refused for a bad token do not use the quota', async () => {
    sim.setConfig({ callsPerMinute: 1 });
    expect((await m3.raw('GET', m3.url('CRS620MI', 'GetBasicData', { SUNO: '10001' }), 'bad')).status).toBe(401);
    expect((await getSupplier()).status).toBe(200);
  });
});

describe('fault switches', () => {
  test('fail5xxRate 1 answers 503 before executing: an AddHead has no effect (§7 item 25)', async () => {
    sim.setConfig({ fail5xxRate: 1 });
    const res = await m3.call('APS450MI', 'AddHead', HEAD);
    expect(res.status).toBe(503);
    expect(sim.stats().faults.fail5xx).toBe(1);
    expect(sim.stats().callsByTransaction['APS450MI/AddHead']).toBeUndefined();
    sim.setConfig({ fail5xxRate: 0 });
    expect(await m3.records('APS450MI', 'LstInvBySupInv', LOOKUP)).toEqual([]);
  });

  test('fail5xxRate 0.5 fails some calls and the dice are repeatable', async () => {
    const run = async () => {
      sim.reset({ seed: SEED });
      await m3.login();
      sim.setConfig({ fail5xxRate: 0.5 });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await getSupplier()).status);
      return statuses;
    };
    const first = await run();
    expect(first).toContain(503);
    expect(first).toContain(200);
    expect(await run()).toEqual(first);
  });

  test('failAfterCommit executes the Add and then answers 502; the lookup finds the record (§7 item 25)', async () => {
    sim.setConfig({ failAfterCommit: ['APS450MI/AddHead'] });
    const res = await m3.call('APS450MI', 'AddHead', HEAD);
    expect(res.status).toBe(502);
    expect(sim.stats().faults.failedAfterCommit).toBe(1);
    expect((await m3.records('APS450MI', 'LstInvBySupInv', LOOKUP)).map((r) => r.INBN)).toEqual(['1000123']);
    // Only the listed transaction is affected, and a business error is still reported as such.
    expect((await m3.call('APS450MI', 'AddHead', { ...HEAD, SUNO: '99999' })).status).toBe(200);
    expect((await m3.call('APS450MI', 'AddLine', { DIVI: 'AAA', INBN: '1000123', RDTP: '8', NLAM: '80.00', AIT1: '6110' })).status).toBe(200);
  });

  test('fail5xxNext: the next N gateway calls are 503, then normal', async () => {
    const put = await control(sim, 'PUT', '/_sim/config', { fail5xxNext: 2 });
    expect(put.status).toBe(200);
    expect(put.body.fail5xxNext).toBe(2);
    expect((await getSupplier()).status).toBe(503);
    expect((await getSupplier()).status).toBe(503);
    expect((await getSupplier()).status).toBe(200);
    expect(sim.config().fail5xxNext).toBe(0);
  });

  test('rateLimitNext: the next N calls are 429 with the given Retry-After, without executing (§7 item 26)', async () => {
    sim.setConfig({ rateLimitNext: { count: 2, retryAfterSeconds: 7 } });
    for (let i = 0; i < 2; i++) {
      const res = await m3.call('APS450MI', 'AddHead', HEAD);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(res.body).toEqual({ error: 'Too Many Requests', message: 'API call quota exceeded' });
    }
    expect(sim.config().rateLimitNext).toBeNull();
    expect(await m3.records('APS450MI', 'LstInvBySupInv', LOOKUP)).toEqual([]);
    expect(sim.stats().faults.rateLimited).toBe(2);
  });

  test('resetNext: the connection is destroyed without a response, and nothing executes', async () => {
    sim.setConfig({ resetNext: 1 });
    await expect(m3.call('APS450MI', 'AddHead', HEAD)).rejects.toThrow();
    expect(sim.stats().faults.connectionResets).toBe(1);
    expect(await m3.records('APS450MI', 'LstInvBySupInv', LOOKUP)).toEqual([]);
    expect(sim.server.log.some((e) => e.status === 0)).toBe(true);
  });

  test('latencyMs delays gateway and token answers', async () => {
    sim.setConfig({ latencyMs: 120 });
    const started = Date.now();
    expect((await getSupplier()).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });

  test('fault switches do not touch the control endpoints or the token endpoint', async () => {
    sim.setConfig({ fail5xxNext: 5, resetNext: 0 });
    expect((await control(sim, 'GET', '/_sim/config')).status).toBe(200);
    expect((await m3.login()).length).toBeGreaterThan(0);
    expect(sim.config().fail5xxNext).toBe(5);
  });
});

describe('PUT /_sim/config', () => {
  test('refuses unknown keys and bad values, naming them', async () => {
    const unknown = await control(sim, 'PUT', '/_sim/config', { failRate: 1 });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('failRate');
    const bad = await control(sim, 'PUT', '/_sim/config', { fail5xxRate: 2 });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('fail5xxRate');
    expect((await control(sim, 'PUT', '/_sim/config', { failAfterCommit: ['APS450MI AddHead'] })).status).toBe(400);
    expect(() => sim.setConfig({ tokensPerDay: -1 })).toThrow(/tokensPerDay/);
  });

  test('GET /_sim/config returns the documented defaults', async () => {
    const res = await control(sim, 'GET', '/_sim/config');
    expect(res.body).toEqual({
      tokenTtlSeconds: 7200, issueRefreshToken: true, rotateRefreshToken: false, tokensPerDay: 100, authPerMinute: 20, callsPerMinute: 3000,
      callsPerDay: 250000, simMaxRecs: 10000, validationDelaySeconds: 0, padOutput: true, fail5xxRate: 0, failAfterCommit: [],
      allowedCompanies: [100], defaultCono: 100, defaultDivi: 'AAA', latencyMs: 0, fail5xxNext: 0, rateLimitNext: null, resetNext: 0,
    });
  });
});
