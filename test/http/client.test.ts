import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuthError, ConnectionError, HttpError, OutcomeUnknownError, QuotaExhaustedError } from '../../src/errors.js';
import { createHttpClient } from '../../src/http/client.js';
import type { HttpClientOptions, RetryPolicy, TraceEntry } from '../../src/http/types.js';
import type { TokenProvider } from '../../src/auth/types.js';
import { Redactor } from '../../src/secrets/redactor.js';

const BASE = 'https://m3.example';

const POLICY: RetryPolicy = {
  attempts: 6,
  baseDelayMs: 1000,
  factor: 2,
  maxDelayMs: 60_000,
  maxRetryAfterSeconds: 300,
  max429Waits: 10,
};

function networkError(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

function setup(overrides: Partial<HttpClientOptions> = {}) {
  const sleeps: number[] = [];
  const traced: TraceEntry[] = [];
  const redactor = overrides.redactor ?? new Redactor();
  const client = createHttpClient({
    system: 'infor',
    displayName: 'Infor CloudSuite',
    baseUrl: BASE,
    timeoutMs: 2_000,
    retry: POLICY,
    redactor,
    trace: { write: (e) => traced.push(e), close: async () => {} },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...overrides,
  });
  return { client, sleeps, traced, redactor };
}

function fakeAuth(tokens: string[]): TokenProvider & { invalidated: string[]; calls: number } {
  let current = 0;
  const provider = {
    system: 'basware',
    invalidated: [] as string[],
    calls: 0,
    async getToken() {
      provider.calls++;
      return tokens[Math.min(current, tokens.length - 1)]!;
    },
    invalidate(token: string) {
      provider.invalidated.push(token);
      current++;
    },
    expiresAt: () => undefined,
  };
  return provider;
}

async function settleIo(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('requests and responses', () => {
  it('keeps query order and percent-encodes M3 query values strictly', async () => {
    let seenPath = '';
    nock(BASE)
      .get(/.*/)
      .reply(function (uri) {
        seenPath = uri;
        return [200, { ok: true }];
      });
    const { client } = setup();
    await client.request({
      method: 'GET',
      url: '/M3/m3api-rest/v2/execute/EXPORTMI/Select',
      query: [
        ['SEPC', '#'],
        ['QERY', "IDSUNO, IDSUNM from CIDMAS where IDSUNO >= '1' and IDSTAT < 30 (x)!*"],
        ['cono', '100'],
      ],
      idempotent: true,
    });
    expect(seenPath).toBe(
      '/M3/m3api-rest/v2/execute/EXPORTMI/Select?SEPC=%23' +
        '&QERY=IDSUNO%2C%20IDSUNM%20from%20CIDMAS%20where%20IDSUNO%20%3E%3D%20%271%27%20and%20IDSTAT%20%3C%2030%20%28x%29%21%2A' +
        '&cono=100',
    );
  });

  it('leaves undefined query values out, in the order of the record', async () => {
    let seenPath = '';
    nock(BASE)
      .get(/.*/)
      .reply(function (uri) {
        seenPath = uri;
        return [200, ''];
      });
    const { client } = setup();
    await client.request({ method: 'GET', url: 'x?fixed=1', query: { b: 2, skip: undefined, a: true }, idempotent: true });
    expect(seenPath).toBe('/x?fixed=1&b=2&a=true');
  });

  it('parses JSON bodies, keeps an S3 XML error body as text, and survives broken JSON', async () => {
    nock(BASE)
      .get('/json')
      .reply(200, '{"a":1}', { 'Content-Type': 'application/json; charset=utf-8' })
      .get('/xml')
      .reply(400, '<Error><Code>InvalidArgument</Code></Error>', { 'Content-Type': 'application/xml' })
      .get('/broken')
      .reply(200, '{"a":', { 'Content-Type': 'application/json' });
    const { client } = setup();
    const json = await client.request({ method: 'GET', url: '/json', idempotent: true });
    expect(json.body).toEqual({ a: 1 });
    const xml = await client.request({ method: 'GET', url: '/xml', idempotent: true, okStatuses: [400] });
    expect(xml.status).toBe(400);
    expect(xml.body).toBe('<Error><Code>InvalidArgument</Code></Error>');
    const broken = await client.request({ method: 'GET', url: '/broken', idempotent: true });
    expect(broken.body).toBe('{"a":');
    expect(broken.text).toBe('{"a":');
  });

  it('sends JSON and form bodies with their content types; # in a form value is %23', async () => {
    nock(BASE)
      .post('/v1/vendors', [{ externalCode: 'A' }])
      .matchHeader('content-type', 'application/json')
      .reply(200, [])
      .post('/token', 'grant_type=password&username=ACME_PRD%23Xy7K&password=a%20b%2Bc')
      .matchHeader('content-type', 'application/x-www-form-urlencoded')
      .reply(200, {});
    const { client } = setup();
    await client.request({ method: 'POST', url: '/v1/vendors', json: [{ externalCode: 'A' }], idempotent: true });
    await client.request({
      method: 'POST',
      url: '/token',
      form: { grant_type: 'password', username: 'ACME_PRD#Xy7K', password: 'a b+c' },
      idempotent: true,
      auth: false,
    });
    expect(nock.isDone()).toBe(true);
  });

  it('does not follow redirects: a 302 is returned to the caller, the Location is not fetched', async () => {
    const location = 'https://s3.example/_s3/doc?X-Amz-Signature=abc';
    nock(BASE).get('/v1/accountingDocuments').reply(302, '', { Location: location });
    const target = nock('https://s3.example').get('/_s3/doc').query(true).reply(200, []);
    const { client } = setup();
    const res = await client.request({ method: 'GET', url: '/v1/accountingDocuments', idempotent: true, okStatuses: [302] });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(location);
    expect(target.isDone()).toBe(false);
  });

  it('raises HttpError with a redacted summary for a 4xx not in okStatuses, and returns it when listed', async () => {
    nock(BASE)
      .get('/M3/m3api-rest/v2/execute/APS100MI/LstX')
      .query(true)
      .reply(404, { error: 'Not Found', message: 'Program APS100MI not found' }, { 'x-amzn-RequestId': 'req-42' })
      .get('/v1/vendors')
      .reply(404, '');
    const { client } = setup();
    const err = await client
      .request({ method: 'GET', url: '/M3/m3api-rest/v2/execute/APS100MI/LstX', query: { password: 'hunter22' }, idempotent: true })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    const httpErr = err as HttpError;
    expect(httpErr.code).toBe('HTTP_404');
    expect(httpErr.message).toContain('Infor CloudSuite answered HTTP 404');
    expect(httpErr.message).toContain('Program APS100MI not found');
    expect(httpErr.message).not.toContain('hunter22');
    expect(httpErr.summary).toMatchObject({
      method: 'GET',
      status: 404,
      requestId: 'req-42',
      url: 'https://m3.example/M3/m3api-rest/v2/execute/APS100MI/LstX?password=***',
    });
    expect(httpErr.summary.responseBody).toContain('Program APS100MI not found');
    const res = await client.request({ method: 'GET', url: '/v1/vendors', idempotent: true, okStatuses: [404] });
    expect(res.status).toBe(404);
    expect(res.body).toBe('');
  });
});

describe('retries', () => {
  it('retries 5xx on an idempotent request with full-jitter waits bounded by the policy', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    nock(BASE).get('/r').reply(500).get('/r').reply(502).get('/r').reply(503).get('/r').reply(504).get('/r').reply(200, { ok: 1 });
    const { client, sleeps } = setup({ retry: { ...POLICY, maxDelayMs: 5_000 } });
    const res = await client.request({ method: 'GET', url: '/r', idempotent: true });
    expect(res.body).toEqual({ ok: 1 });
    expect(client.requestCount).toBe(5);
    const ceilings = [1000, 2000, 4000, 5000];
    expect(sleeps).toHaveLength(4);
    sleeps.forEach((ms, i) => {
      expect(ms).toBeLessThanOrEqual(ceilings[i]!);
      expect(ms).toBeGreaterThanOrEqual(ceilings[i]! * 0.99);
    });
  });

  it('draws each wait uniformly from [0, ceiling] (full jitter, not equal jitter)', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    nock(BASE).get('/r').times(2).reply(503).get('/r').reply(200);
    const { client, sleeps } = setup();
    await client.request({ method: 'GET', url: '/r', idempotent: true });
    expect(sleeps).toEqual([0, 0]);
  });

  it('gives up after the policy attempts with a retryable HttpError carrying the vendor request id', async () => {
    nock(BASE).get('/r').times(6).reply(503, { message: 'busy' }, { 'x-amzn-RequestId': 'abc-1' });
    const { client, sleeps } = setup();
    const err = (await client.request({ method: 'GET', url: '/r', idempotent: true }).catch((e: unknown) => e)) as HttpError;
    expect(err).toBeInstanceOf(HttpError);
    expect(err.status).toBe(503);
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('after 6 attempts');
    expect(err.summary.requestId).toBe('abc-1');
    expect(client.requestCount).toBe(6);
    expect(sleeps).toHaveLength(5);
    expect(nock.isDone()).toBe(true);
  });

  it('never repeats a non-idempotent request after a 5xx: OutcomeUnknownError, sent exactly once', async () => {
    const scope = nock(BASE).post('/M3/add').reply(503).post('/M3/add').reply(200, { ok: 1 });
    const { client, sleeps } = setup();
    const err = await client.request({ method: 'POST', url: '/M3/add', json: {}, idempotent: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect((err as OutcomeUnknownError).summary.status).toBe(503);
    expect((err as Error).message).toContain('may or may not have landed');
    expect(client.requestCount).toBe(1);
    expect(scope.pendingMocks()).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('never repeats a non-idempotent request after a timeout', async () => {
    const scope = nock(BASE).post('/add').delay(500).reply(200).post('/add').reply(200);
    const { client } = setup({ timeoutMs: 50 });
    const err = await client.request({ method: 'POST', url: '/add', body: 'x', idempotent: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect((err as Error).message).toContain('no answer within 50 ms');
    expect(client.requestCount).toBe(1);
    expect(scope.pendingMocks()).toHaveLength(1);
  });

  it('applies a per-request timeout over the client default', async () => {
    nock(BASE).get('/slow').delay(300).reply(200);
    const { client } = setup({ timeoutMs: 5_000, retry: { ...POLICY, attempts: 1 } });
    const started = Date.now();
    const err = await client.request({ method: 'GET', url: '/slow', idempotent: true, timeoutMs: 40 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toContain('(no answer within 40 ms) after 1 attempt;');
    expect(Date.now() - started).toBeLessThan(300);
  });

  it('never repeats a non-idempotent request after a connection reset', async () => {
    nock(BASE).post('/add').replyWithError(networkError('ECONNRESET', 'socket hang up'));
    const { client } = setup();
    const err = await client.request({ method: 'POST', url: '/add', idempotent: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect(client.requestCount).toBe(1);
  });

  it('retries a non-idempotent request refused before connecting (nothing can have landed)', async () => {
    nock(BASE).post('/add').replyWithError(networkError('ECONNREFUSED')).post('/add').reply(200, { done: true });
    const { client } = setup();
    const res = await client.request({ method: 'POST', url: '/add', idempotent: false });
    expect(res.body).toEqual({ done: true });
    expect(client.requestCount).toBe(2);
  });

  it('retries ECONNRESET and timeouts on an idempotent request', async () => {
    nock(BASE)
      .get('/r')
      .replyWithError(networkError('ECONNRESET', 'socket hang up'))
      .get('/r')
      .delay(300)
      .reply(200)
      .get('/r')
      .reply(200, { ok: true });
    const { client, sleeps } = setup({ timeoutMs: 50 });
    const res = await client.request({ method: 'GET', url: '/r', idempotent: true });
    expect(res.body).toEqual({ ok: true });
    expect(sleeps).toHaveLength(2);
    expect(client.requestCount).toBe(3);
  });

  it('ends with a ConnectionError naming the system, host, reason and attempts', async () => {
    nock(BASE).get('/r').times(6).replyWithError(networkError('ECONNREFUSED'));
    const { client } = setup();
    const err = await client.request({ method: 'GET', url: '/r', idempotent: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toMatch(
      /^Could not reach Infor CloudSuite at https:\/\/m3\.example \(ECONNREFUSED\) after 6 attempts; check the URL/,
    );
    expect(client.requestCount).toBe(6);
  });
});

describe('429 Too Many Requests', () => {
  it('waits Retry-After seconds without consuming an attempt', async () => {
    nock(BASE).get('/r').times(5).reply(429, { message: 'Too Many Requests' }, { 'Retry-After': '7' }).get('/r').reply(200, 'ok');
    const { client, sleeps } = setup({ retry: { ...POLICY, attempts: 2 } });
    const res = await client.request({ method: 'GET', url: '/r', idempotent: true });
    expect(res.status).toBe(200);
    expect(sleeps).toEqual([7000, 7000, 7000, 7000, 7000]);
    expect(client.requestCount).toBe(6);
  });

  it('reads Retry-After as an HTTP-date', async () => {
    const at = new Date(Date.now() + 30_000).toUTCString();
    nock(BASE).get('/r').reply(429, '', { 'Retry-After': at }).get('/r').reply(200);
    const { client, sleeps } = setup();
    await client.request({ method: 'GET', url: '/r', idempotent: true });
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(28_000);
    expect(sleeps[0]).toBeLessThanOrEqual(30_000);
  });

  it('uses the backoff when Retry-After is absent', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    nock(BASE).get('/r').times(2).reply(429).get('/r').reply(200);
    const { client, sleeps } = setup();
    await client.request({ method: 'GET', url: '/r', idempotent: true });
    expect(sleeps).toEqual([500, 1000]);
  });

  it('retries a 429 on a non-idempotent request (the server refused it)', async () => {
    nock(BASE).post('/add').reply(429, '', { 'Retry-After': '1' }).post('/add').reply(200, { ok: 1 });
    const { client } = setup();
    const res = await client.request({ method: 'POST', url: '/add', idempotent: false });
    expect(res.body).toEqual({ ok: 1 });
  });

  it('ends the call with QuotaExhaustedError at once when Retry-After exceeds the maximum', async () => {
    nock(BASE).get('/r').reply(429, { message: 'API call quota exceeded' }, { 'Retry-After': '3600' });
    const { client, sleeps } = setup();
    const err = await client.request({ method: 'GET', url: '/r', idempotent: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QuotaExhaustedError);
    expect((err as QuotaExhaustedError).retryAfterSeconds).toBe(3600);
    expect((err as Error).message).toContain('Infor CloudSuite');
    expect((err as Error).message).toContain('3600 s');
    expect(sleeps).toEqual([]);
    expect(client.requestCount).toBe(1);
  });

  it('gives up after max429Waits waits', async () => {
    nock(BASE).get('/r').times(3).reply(429, '', { 'Retry-After': '1' });
    const { client, sleeps } = setup({ retry: { ...POLICY, max429Waits: 2 } });
    const err = await client.request({ method: 'GET', url: '/r', idempotent: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QuotaExhaustedError);
    expect(sleeps).toEqual([1000, 1000]);
    expect(client.requestCount).toBe(3);
  });
});

describe('authentication', () => {
  it('sends the bearer token, and on a 401 invalidates it, fetches a new one and retries once', async () => {
    const seen: string[] = [];
    nock(BASE)
      .get('/v1/vendors')
      .times(2)
      .reply(function () {
        seen.push(String(this.req.headers.authorization));
        return seen.length === 1 ? [401, { message: 'Unauthorized' }] : [200, []];
      });
    const auth = fakeAuth(['tok-1', 'tok-2']);
    const { client } = setup({ system: 'basware', displayName: 'Basware', auth });
    const res = await client.request({ method: 'GET', url: '/v1/vendors', idempotent: true });
    expect(res.status).toBe(200);
    expect(seen).toEqual(['Bearer tok-1', 'Bearer tok-2']);
    expect(auth.invalidated).toEqual(['tok-1']);
  });

  it('raises AuthError after a second 401, naming the system and the scopes to check', async () => {
    nock(BASE).post('/v1/vendors').times(2).reply(401, { message: 'Unauthorized' }).post('/v1/vendors').reply(200);
    const auth = fakeAuth(['tok-1', 'tok-2']);
    const { client } = setup({ system: 'basware', displayName: 'Basware', auth });
    const err = await client.request({ method: 'POST', url: '/v1/vendors', json: [], idempotent: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).system).toBe('basware');
    expect((err as Error).message).toMatch(/^Basware refused the access token twice/);
    expect((err as Error).message).toContain('scopes');
    expect((err as Error).message).not.toContain('tok-');
    expect(client.requestCount).toBe(2);
    expect(auth.invalidated).toEqual(['tok-1']);
  });

  it('raises AuthError on 403', async () => {
    nock(BASE).get('/v1/x').reply(403, { message: 'Forbidden' });
    const { client } = setup({ auth: fakeAuth(['t-1']) });
    const err = await client.request({ method: 'GET', url: '/v1/x', idempotent: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).exitCode).toBe(3);
  });

  it('sends no token when the request says auth: false', async () => {
    nock(BASE)
      .get('/_s3/doc')
      .reply(function () {
        return [200, { authorization: this.req.headers.authorization ?? null }];
      });
    const auth = fakeAuth(['tok-1']);
    const { client } = setup({ auth });
    const res = await client.request({ method: 'GET', url: '/_s3/doc', idempotent: true, auth: false });
    expect(res.body).toEqual({ authorization: null });
    expect(auth.calls).toBe(0);
  });
});

describe('rate limit and concurrency', () => {
  it('keeps no more than `concurrency` requests in flight', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    nock(BASE)
      .get('/r')
      .times(4)
      .reply(async () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 20));
        inFlight--;
        return [200, 'ok'];
      });
    const { client } = setup({ rateLimit: { concurrency: 1 } });
    await Promise.all([1, 2, 3, 4].map(() => client.request({ method: 'GET', url: '/r', idempotent: true })));
    expect(maxInFlight).toBe(1);
  });

  it('spaces requests to requestsPerMinute in any rolling minute', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    const sentAt: number[] = [];
    nock(BASE)
      .get('/r')
      .times(3)
      .reply(() => {
        sentAt.push(Date.now());
        return [200, 'ok'];
      });
    const { client } = setup({ rateLimit: { requestsPerMinute: 2 } });
    const all = Promise.all([1, 2, 3].map(() => client.request({ method: 'GET', url: '/r', idempotent: true })));
    // Socket I/O runs on the real event loop; only the limiter's clock is fake.
    await vi.waitFor(() => expect(sentAt).toHaveLength(2));
    await vi.advanceTimersByTimeAsync(59_000);
    await settleIo();
    expect(sentAt).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1_000);
    await vi.waitFor(() => expect(sentAt).toHaveLength(3));
    await all;
    expect(sentAt).toHaveLength(3);
    expect(sentAt[2]! - sentAt[0]!).toBeGreaterThanOrEqual(60_000);
  });
});

describe('tracing', () => {
  it('traces every attempt with secrets, Authorization and secret query values redacted', async () => {
    const redactor = new Redactor();
    redactor.add('Zp9Wc3Nd8Hq1Ts6Ue0');
    nock(BASE)
      .post('/token')
      .query(true)
      .reply(503)
      .post('/token')
      .query(true)
      .reply(200, { access_token: 'issued-token-value', note: 'Zp9Wc3Nd8Hq1Ts6Ue0' });
    const { client, traced } = setup({ redactor, auth: fakeAuth(['bearer-secret-1']) });
    await client.request({
      method: 'POST',
      url: '/token',
      query: { password: 'query-secret-9' },
      form: { grant_type: 'password', password: 'Zp9Wc3Nd8Hq1Ts6Ue0' },
      idempotent: true,
      label: 'token',
    });
    expect(traced.map((t) => [t.attempt, t.status])).toEqual([
      [1, 503],
      [2, 200],
    ]);
    const text = JSON.stringify(traced);
    expect(text).not.toContain('Zp9Wc3Nd8Hq1Ts6Ue0');
    expect(text).not.toContain('bearer-secret-1');
    expect(text).not.toContain('query-secret-9');
    expect(text).not.toContain('issued-token-value');
    expect(traced[0]).toMatchObject({ system: 'infor', label: 'token', method: 'POST', requestHeaders: { authorization: '***' } });
    expect(traced[0]!.url).toBe('https://m3.example/token?password=***');
  });

  it('traces a network failure with its reason', async () => {
    nock(BASE).get('/r').replyWithError(networkError('ECONNREFUSED')).get('/r').reply(200);
    const { client, traced } = setup();
    await client.request({ method: 'GET', url: '/r', idempotent: true });
    expect(traced[0]).toMatchObject({ attempt: 1, error: 'ECONNREFUSED' });
    expect(traced[0]!.status).toBeUndefined();
    expect(traced[1]).toMatchObject({ attempt: 2, status: 200 });
  });
});
