import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/http/client.js';
import { openTraceFile } from '../../src/http/trace.js';
import type { TraceEntry } from '../../src/http/types.js';
import { Redactor } from '../../src/secrets/redactor.js';

const BASE = 'https://api.example';
const dir = mkdtempSync(join(tmpdir(), 'mlsync-trace-'));

function entry(n: number): TraceEntry {
  return { ts: new Date(0).toISOString(), system: 'infor', attempt: n, method: 'GET', url: `${BASE}/${n}`, requestHeaders: {}, durationMs: 1 };
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openTraceFile', () => {
  it('creates an owner-only file of JSON lines and appends across opens', async () => {
    const path = join(dir, 'append.jsonl');
    const first = openTraceFile(path);
    first.write(entry(1));
    await first.close();
    const second = openTraceFile(path);
    second.write(entry(2));
    second.write(entry(3));
    await second.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as TraceEntry).attempt)).toEqual([1, 2, 3]);
  });

  it('ignores writes after close', async () => {
    const path = join(dir, 'closed.jsonl');
    const sink = openTraceFile(path);
    sink.write(entry(1));
    await sink.close();
    sink.write(entry(2));
    await sink.close();
    expect(readFileSync(path, 'utf8').trimEnd().split('\n')).toHaveLength(1);
  });

  it('never receives a known secret or an Authorization value from the client', async () => {
    const path = join(dir, 'client.jsonl');
    const trace = openTraceFile(path);
    const redactor = new Redactor();
    redactor.add('q8Wm2-Lr0hJ_fT3v');
    nock(BASE)
      .post('/as/token.oauth2')
      .reply(200, { access_token: 'eyJhbGciOiJSUzI1NiJ9.abc.def', refresh_token: 'mXq8Yh2Tz', expires_in: 7200 })
      .get('/v1/vendors')
      .query(true)
      .reply(200, [{ name: 'q8Wm2-Lr0hJ_fT3v' }]);
    const client = createHttpClient({
      system: 'infor',
      timeoutMs: 1000,
      retry: { attempts: 1, baseDelayMs: 0, factor: 2, maxDelayMs: 0, maxRetryAfterSeconds: 1, max429Waits: 0 },
      redactor,
      trace,
      auth: { system: 'infor', getToken: async () => 'bearer-value-123', invalidate: () => {}, expiresAt: () => undefined },
    });
    await client.request({
      method: 'POST',
      url: `${BASE}/as/token.oauth2`,
      headers: { Authorization: `Basic ${Buffer.from('ci:q8Wm2-Lr0hJ_fT3v').toString('base64')}` },
      form: { grant_type: 'password', username: 'T#user', password: 'q8Wm2-Lr0hJ_fT3v' },
      idempotent: true,
      auth: false,
    });
    await client.request({ method: 'GET', url: `${BASE}/v1/vendors`, query: { client_secret: 'q8Wm2-Lr0hJ_fT3v' }, idempotent: true });
    await trace.close();
    const text = readFileSync(path, 'utf8');
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as TraceEntry);
    expect(lines).toHaveLength(2);
    for (const secret of ['q8Wm2-Lr0hJ_fT3v', 'bearer-value-123', 'eyJhbGciOiJSUzI1NiJ9.abc.def', 'mXq8Yh2Tz', 'Y2k6cTh']) {
      expect(text).not.toContain(secret);
    }
    expect(lines[0]!.requestHeaders.authorization).toBe('***');
    expect(lines[1]!.requestHeaders.authorization).toBe('***');
    expect(lines[1]!.status).toBe(200);
  });
});
