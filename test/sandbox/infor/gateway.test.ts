/** The ION gateway in front of M3: envelope, errors, options (apis/infor.md §2, §4; §7 items 6, 7, 10, 13–15). */
import { afterAll, beforeEach, describe, expect, test } from 'vitest';
import { startInforSimulator, type InforSimulator } from '../../../src/sandbox/infor/index.js';
import { control, M3Client } from './harness.js';

let sim: InforSimulator;
let m3: M3Client;
const ready = startInforSimulator({ seed: 'none' }).then((s) => (sim = s));

beforeEach(async () => {
  await ready;
  sim.reset({ seed: 'default' });
  m3 = new M3Client(sim);
  await m3.login();
});
afterAll(async () => sim.close());

describe('envelope (§4)', () => {
  test('a successful call has exactly the v2 envelope, with Infor’s spelling of nrOfSuccessfullTransactions', async () => {
    const res = await m3.call('CRS620MI', 'GetBasicData', { SUNO: '10001', returncols: 'SUNO,SUNM' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.body).toEqual({
      results: [{ transaction: 'GetBasicData', records: [{ SUNO: '10001', SUNM: 'Acme Components Ltd' }] }],
      wasTerminated: false,
      nrOfSuccessfullTransactions: 1,
      nrOfFailedTransactions: 0,
    });
  });

  test('a business error is HTTP 200 with errorMessage, the MODELED extras and no records (§7 items 6, 9)', async () => {
    const res = await m3.call('CRS620MI', 'GetBasicData', { SUNO: '99999' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      results: [
        {
          transaction: 'GetBasicData',
          errorMessage: 'Supplier 99999 does not exist',
          errorType: 'ServerReturnedNOK',
          errorCode: 'WSU0103',
          errorField: 'SUNO',
          records: [],
        },
      ],
      wasTerminated: false,
      nrOfSuccessfullTransactions: 0,
      nrOfFailedTransactions: 1,
    });
    expect(sim.stats().businessErrors).toBe(1);
  });

  test('error messages carry trailing spaces when output is padded', async () => {
    const res = await m3.call('CRS620MI', 'GetBasicData', { SUNO: '99999', righttrim: 'false' });
    const message: string = res.body.results[0].errorMessage;
    expect(message).not.toBe(message.trimEnd());
    expect(message.trimEnd()).toBe('Supplier 99999 does not exist');
  });
});

describe('HTTP errors of the gateway (§4)', () => {
  test('APS100MI and APS455MI/ValidateByBatchNo are 404 and nothing runs (§7 item 7)', async () => {
    const program = await m3.call('APS100MI', 'AddHead', { SUNO: '10001' });
    expect(program.status).toBe(404);
    expect(program.body).toEqual({ error: 'Not Found', message: 'Program APS100MI not found' });
    const transaction = await m3.call('APS455MI', 'ValidateByBatchNo', { INBN: '1000123' });
    expect(transaction.status).toBe(404);
    expect(transaction.body).toEqual({ error: 'Not Found', message: 'Transaction ValidateByBatchNo not found in program APS455MI' });
    expect(sim.stats().gatewayCalls).toBe(0);
  });

  test('program and transaction names are case-sensitive', async () => {
    expect((await m3.call('crs620mi', 'GetBasicData', { SUNO: '10001' })).status).toBe(404);
    expect((await m3.call('CRS620MI', 'getbasicdata', { SUNO: '10001' })).status).toBe(404);
  });

  test('a method other than GET on a transaction URL is 405 and has no effect', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const res = await m3.raw(method, m3.url('APS450MI', 'AddHead', { SUNO: '10001', IVDT: '20240701' }));
      expect(res.status).toBe(405);
      expect(res.body).toEqual({ error: 'Method Not Allowed' });
      expect(res.headers.get('allow')).toBe('GET');
    }
    expect(sim.stats().callsByTransaction['APS450MI/AddHead']).toBeUndefined();
  });

  test('another tenant in the gateway path is 404', async () => {
    const res = await m3.raw('GET', m3.url('CRS620MI', 'GetBasicData', { SUNO: '10001' }).replace('/ACME_PRD/', '/OTHER_PRD/'));
    expect(res.status).toBe(404);
  });
});

describe('options (§2)', () => {
  test('maxrecs=N returns at most N records; omitted → 100; 0 → all up to simMaxRecs (§7 item 10)', async () => {
    expect(await m3.records('CRS620MI', 'LstSuppliers', { maxrecs: '7' })).toHaveLength(7);
    expect(await m3.records('CRS620MI', 'LstSuppliers')).toHaveLength(100);
    expect(await m3.records('CRS620MI', 'LstSuppliers', { maxrecs: '0' })).toHaveLength(300);
    sim.setConfig({ simMaxRecs: 250 });
    expect(await m3.records('CRS620MI', 'LstSuppliers', { maxrecs: '0' })).toHaveLength(250);
    expect(await m3.records('CRS620MI', 'LstSuppliers', { maxrecs: '9999' })).toHaveLength(250);
  });

  test('a malformed maxrecs, cono or righttrim is 400 Bad Request', async () => {
    for (const [option, value] of [['maxrecs', 'abc'], ['maxrecs', '-1'], ['maxrecs', '1.5'], ['cono', 'ABC'], ['righttrim', 'yes']]) {
      const res = await m3.call('CRS620MI', 'LstSuppliers', { [option!]: value! });
      expect(res.status, `${option}=${value}`).toBe(400);
      expect(res.body).toEqual({ error: 'Bad Request', message: expect.stringContaining(`${option} ${value}`) });
    }
  });

  test('returncols limits the output fields; an unknown column is a business error', async () => {
    const [rec] = await m3.records('CRS620MI', 'LstSuppliers', { maxrecs: '1', returncols: 'SUNM,SUNO' });
    expect(rec).toEqual({ SUNO: '10001', SUNM: 'Acme Components Ltd' });
    const err = await m3.error('CRS620MI', 'LstSuppliers', { returncols: 'SUNO,LMTS' });
    expect(err.errorMessage).toBe('Field LMTS does not exist');
  });

  test('without righttrim=true A-fields are space-padded to field length; numeric fields are not (§7 item 13)', async () => {
    const padded = (await m3.call('CRS620MI', 'GetBasicData', { SUNO: '10001', righttrim: 'false' })).body.results[0].records[0];
    expect(padded.SUNM).toBe('Acme Components Ltd'.padEnd(36, ' '));
    expect(padded.SUNO).toBe('10001     ');
    expect(padded.CONO).toBe('100');
    const omitted = await m3.raw('GET', m3.url('CRS620MI', 'GetBasicData', { SUNO: '10001' }));
    expect(omitted.body.results[0].records[0].SUNM).toHaveLength(36);
    const trimmed = await m3.records('CRS620MI', 'GetBasicData', { SUNO: '10001', righttrim: 'true' });
    expect(trimmed[0]!.SUNM).toBe('Acme Components Ltd');
    sim.setConfig({ padOutput: false });
    const unpadded = await m3.raw('GET', m3.url('CRS620MI', 'GetBasicData', { SUNO: '10001' }));
    expect(unpadded.body.results[0].records[0].SUNM).toBe('Acme Components Ltd');
  });

  test('an unknown field name is a business error naming it', async () => {
    const lst = await m3.error('CRS620MI', 'LstSuppliers', { SUNM: 'Acme' });
    expect(lst).toMatchObject({ errorMessage: 'Field SUNM does not exist', errorField: 'SUNM' });
    const add = await m3.error('APS450MI', 'AddLine', { INBN: '1000123', RDTP: '8', AIT9: '6110' });
    expect(add.errorMessage).toBe('Field AIT9 does not exist');
  });

  test('a mandatory field left out or blank → "<FIELD> must be entered"', async () => {
    expect((await m3.error('CRS620MI', 'GetBasicData')).errorMessage).toBe('SUNO must be entered');
    expect((await m3.error('CRS620MI', 'GetBasicData', { SUNO: '  ' })).errorMessage).toBe('SUNO must be entered');
  });

  test('malformed dates and decimals → errorMessage naming the field, nothing created (§7 item 14)', async () => {
    const date = await m3.error('APS450MI', 'AddHead', { SUNO: '10001', IVDT: '2024-07-01', SINO: 'INV-1', CUAM: '100.00' });
    expect(date).toMatchObject({ errorMessage: 'Invoice date 2024-07-01 is invalid', errorField: 'IVDT' });
    for (const ivdt of ['01072024', '20240231', '2024071']) {
      expect((await m3.error('APS450MI', 'AddHead', { SUNO: '10001', IVDT: ivdt })).errorField).toBe('IVDT');
    }
    const amount = await m3.error('APS450MI', 'AddHead', { SUNO: '10001', IVDT: '20240701', CUAM: '1.250,00' });
    expect(amount).toMatchObject({ errorMessage: 'CUAM 1.250,00 is invalid', errorField: 'CUAM' });
    const lmts = await m3.error('CRS620MI', 'LstSuppliers', { LMTS: '2024-06-01' });
    expect(lmts.errorMessage).toBe('LMTS 2024-06-01 is invalid');
    expect(await m3.records('APS450MI', 'LstInvBySupInv', { SPYN: '10001', SUNO: '10001', SINO: 'INV-1' })).toEqual([]);
  });
});

describe('company (§2)', () => {
  test('cono for a company the user may not access → "Not authorized for company 200" (§7 item 15)', async () => {
    const err = await m3.error('CRS620MI', 'GetBasicData', { SUNO: '10001', cono: '200' });
    expect(err).toMatchObject({ errorMessage: 'Not authorized for company 200', errorField: 'CONO' });
    const add = await m3.error('APS450MI', 'AddHead', { SUNO: '10001', IVDT: '20240701', cono: '200' });
    expect(add.errorMessage).toBe('Not authorized for company 200');
  });

  test('a CONO input field wins over the cono option; no cono means the default company', async () => {
    const err = await m3.error('CRS620MI', 'GetBasicData', { SUNO: '10001', cono: '100', CONO: '200' });
    expect(err.errorMessage).toBe('Not authorized for company 200');
    const [rec] = await m3.records('CRS620MI', 'GetBasicData', { SUNO: '10001' });
    expect(rec!.CONO).toBe('100');
    sim.setConfig({ allowedCompanies: [100, 200] });
    sim.seed({ suppliers: [{ CONO: '200', SUNO: '10001', SUNM: 'Acme US Inc.' }] });
    expect((await m3.records('CRS620MI', 'GetBasicData', { SUNO: '10001', cono: '100', CONO: '200' }))[0]!.SUNM).toBe('Acme US Inc.');
    sim.setConfig({ defaultCono: 200 });
    expect((await m3.records('CRS620MI', 'GetBasicData', { SUNO: '10001' }))[0]!.SUNM).toBe('Acme US Inc.');
  });

  test('a CONO field on a transaction without one is an unknown field', async () => {
    const err = await m3.error('APS450MI', 'AddHead', { CONO: '100', SUNO: '10001', IVDT: '20240701' });
    expect(err.errorMessage).toBe('Field CONO does not exist');
  });
});

describe('request log', () => {
  test('GET /_sim/requests lists the vendor calls with method, url, status and time; control calls only with ?all=true', async () => {
    await m3.call('CRS620MI', 'GetBasicData', { SUNO: '10001' });
    await m3.call('APS100MI', 'AddHead');
    const log = (await control(sim, 'GET', '/_sim/requests')).body as { method: string; url: string; status: number; ts: string; headers: Record<string, string> }[];
    expect(log.map((e) => [e.method, e.url.split('?')[0], e.status])).toEqual([
      ['POST', '/ACME_PRD/as/token.oauth2', 200],
      ['GET', '/ACME_PRD/M3/m3api-rest/v2/execute/CRS620MI/GetBasicData', 200],
      ['GET', '/ACME_PRD/M3/m3api-rest/v2/execute/APS100MI/AddHead', 404],
    ]);
    expect(log[1]!.headers.authorization).toMatch(/^Bearer /);
    expect(Number.isNaN(Date.parse(log[1]!.ts))).toBe(false);
    const all = (await control(sim, 'GET', '/_sim/requests?all=true')).body as { url: string }[];
    expect(all.some((e) => e.url === '/_sim/requests')).toBe(true);
    expect((await control(sim, 'DELETE', '/_sim/requests')).status).toBe(200);
    expect(sim.server.log.filter((e) => !e.url.startsWith('/_sim/'))).toEqual([]);
  });
});
