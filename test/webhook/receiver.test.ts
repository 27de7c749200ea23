import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { Ledger } from '../../src/ledger/ledger.js';
import { startReceiver } from '../../src/webhook/receiver.js';
import type { Receiver, ReceiverEvent, ReceiverOptions } from '../../src/webhook/receiver.js';
import { signatureHeader } from '../../src/webhook/verify.js';
import { tempLedgerPath } from '../ledger/helpers.js';
import { VECTOR_1, VECTOR_2 } from './vectors.js';

const PAIR = 'infor-basware';
const SECRET = VECTOR_1.secret;
const NOW_S = Number(VECTOR_1.timestamp); // 2024-03-19T09:28:19Z, before vector 1's expirationTime
const JSON_CT = 'application/json; charset=utf-8';

const open: { receiver: Receiver; ledger: Ledger }[] = [];
afterEach(async () => {
  for (const { receiver, ledger } of open.splice(0)) {
    await receiver.close();
    ledger.close();
  }
});

async function setup(over: Partial<ReceiverOptions> = {}, file = ':memory:') {
  const ledger = Ledger.open(file);
  const events: ReceiverEvent[] = [];
  let accepted = 0;
  const receiver = await startReceiver({
    port: 0,
    pair: PAIR,
    secrets: [SECRET],
    ledger,
    now: () => new Date(NOW_S * 1000),
    onAccepted: () => accepted++,
    onEvent: (e) => events.push(e),
    ...over,
  });
  open.push({ receiver, ledger });
  return { ledger, receiver, events, accepted: () => accepted };
}

function notification(fields: Record<string, unknown> = {}): string {
  return JSON.stringify({
    taskId: 'a1b2c3d4-0000-4000-8000-000000000001',
    taskStatus: 'New',
    taskType: 'AccountingDocuments',
    taskSubType: 'WaitingForTransfer',
    documentId: 'doc-0001',
    expirationTime: '2024-03-20T09:28:19Z',
    ...fields,
  });
}

function signedHeaders(body: string | Buffer, opts: { secret?: string; ts?: number } = {}): Record<string, string> {
  const ts = String(opts.ts ?? NOW_S);
  const raw = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return {
    'Content-Type': JSON_CT,
    'X-BWAPI-Timestamp': ts,
    'X-BWAPI-Signature-256': signatureHeader(opts.secret ?? SECRET, ts, raw),
    'X-BWAPI-Delivery-Attempt': '1',
  };
}

async function post(url: string, body: string | Buffer, headers: Record<string, string>) {
  const res = await fetch(`${url}/hooks/basware/t-0042`, { method: 'POST', headers, body });
  return { status: res.status, text: await res.text() };
}

describe('webhook receiver over HTTP (apis/basware.md §6)', () => {
  it('accepts test vector 1, commits it to the inbox, then answers 200 echoing the body', async () => {
    const { ledger, receiver, accepted, events } = await setup();
    const res = await post(receiver.url, VECTOR_1.body, {
      'Content-Type': JSON_CT,
      'X-BWAPI-Timestamp': VECTOR_1.timestamp,
      'X-BWAPI-Signature-256': VECTOR_1.signature,
    });
    expect(res).toEqual({ status: 200, text: VECTOR_1.body });
    expect(ledger.pendingInbox(PAIR)).toMatchObject([
      { taskId: 'eb9ea3fa-69de-4a5a-8a1a-f4347cd18626', documentId: '138e7d94997847aebe7432e521b3dac9', state: 'new' },
    ]);
    expect(accepted()).toBe(1);
    expect(events.at(-1)).toMatchObject({ status: 200, outcome: 'accepted', documentId: '138e7d94997847aebe7432e521b3dac9' });
  });

  it('answers test vector 2 (ConnectionTest, UTF-8 key) 200 and enqueues nothing', async () => {
    const { ledger, receiver, accepted } = await setup({
      secrets: [VECTOR_2.secret],
      now: () => new Date(Number(VECTOR_2.timestamp) * 1000),
    });
    const res = await post(receiver.url, VECTOR_2.body, {
      'Content-Type': JSON_CT,
      'X-BWAPI-Timestamp': VECTOR_2.timestamp,
      'X-BWAPI-Signature-256': VECTOR_2.signature,
    });
    expect(res).toEqual({ status: 200, text: VECTOR_2.body });
    expect(ledger.pendingInbox(PAIR)).toEqual([]);
    expect(accepted()).toBe(0);
  });

  it('answers 401 {"message":"Unauthorized"} to the body-only and the Latin-1-key HMACs', async () => {
    // Both secrets active and the clock at vector 2's timestamp (vector 1's is 1 s earlier): only the HMACs are wrong.
    const { ledger, receiver } = await setup({
      secrets: [SECRET, VECTOR_2.secret],
      now: () => new Date(Number(VECTOR_2.timestamp) * 1000),
    });
    const bodyOnly = await post(receiver.url, VECTOR_1.body, {
      'Content-Type': JSON_CT,
      'X-BWAPI-Timestamp': VECTOR_1.timestamp,
      'X-BWAPI-Signature-256': `sha256=${VECTOR_1.bodyOnlyHmac}`,
    });
    expect(bodyOnly).toEqual({ status: 401, text: '{"message":"Unauthorized"}' });
    const latin1 = await post(receiver.url, VECTOR_2.body, {
      'Content-Type': JSON_CT,
      'X-BWAPI-Timestamp': VECTOR_2.timestamp,
      'X-BWAPI-Signature-256': `sha256=${VECTOR_2.latin1KeyHmac}`,
    });
    expect(latin1).toEqual({ status: 401, text: '{"message":"Unauthorized"}' });
    expect(ledger.pendingInbox(PAIR)).toEqual([]);
  });

  it('answers 401 to a tampered body, a wrong secret, a missing header and a stale timestamp', async () => {
    const { ledger, receiver, events } = await setup();
    const body = notification();
    const good = signedHeaders(body);
    const cases: [string, string, Record<string, string>][] = [
      ['tampered', body.replace('doc-0001', 'doc-0002'), good],
      ['wrong secret', body, signedHeaders(body, { secret: 'whsec-not-ours-000000' })],
      ['no signature', body, { 'Content-Type': JSON_CT, 'X-BWAPI-Timestamp': String(NOW_S) }],
      ['no timestamp', body, { 'Content-Type': JSON_CT, 'X-BWAPI-Signature-256': good['X-BWAPI-Signature-256']! }],
      ['stale', body, signedHeaders(body, { ts: NOW_S - 301 })],
      ['future', body, signedHeaders(body, { ts: NOW_S + 301 })],
    ];
    for (const [name, b, h] of cases) {
      const res = await post(receiver.url, b, h);
      expect({ name, ...res }).toEqual({ name, status: 401, text: '{"message":"Unauthorized"}' });
    }
    expect(ledger.pendingInbox(PAIR)).toEqual([]);
    expect(events.map((e) => e.reason)).toEqual([
      'signature matches no configured secret',
      'signature matches no configured secret',
      'signature header missing',
      'timestamp header missing',
      'timestamp is more than 300 s away from now',
      'timestamp is more than 300 s away from now',
    ]);
  });

  it('accepts the previous secret during a rotation', async () => {
    const { ledger, receiver } = await setup({ secrets: ['whsec-new-after-rotation', SECRET] });
    const body = notification();
    expect((await post(receiver.url, body, signedHeaders(body))).status).toBe(200);
    expect(ledger.pendingInbox(PAIR)).toHaveLength(1);
  });

  it('reads the header names and tolerance from its options', async () => {
    const { receiver } = await setup({ headerNames: { timestamp: 'X-Ts', signature: 'X-Sig' }, toleranceSeconds: 10 });
    const body = notification();
    const h = signedHeaders(body, { ts: NOW_S - 10 });
    const custom = { 'Content-Type': JSON_CT, 'X-Ts': h['X-BWAPI-Timestamp']!, 'X-Sig': h['X-BWAPI-Signature-256']! };
    expect((await post(receiver.url, body, custom)).status).toBe(200);
    expect((await post(receiver.url, body, h)).status).toBe(401); // the default names are not read
    const stale = signedHeaders(body, { ts: NOW_S - 11 });
    const staleCustom = { 'Content-Type': JSON_CT, 'X-Ts': stale['X-BWAPI-Timestamp']!, 'X-Sig': stale['X-BWAPI-Signature-256']! };
    expect((await post(receiver.url, body, staleCustom)).status).toBe(401);
  });

  it('answers 422 {"message":"UnprocessableEntity"} to signed bad JSON or a missing required field', async () => {
    const { ledger, receiver } = await setup();
    const bad = ['{"taskId":', notification({ documentId: undefined }), notification({ taskId: 42 }), '[]'];
    for (const body of bad) {
      const res = await post(receiver.url, body, signedHeaders(body));
      expect({ body, ...res }).toEqual({ body, status: 422, text: '{"message":"UnprocessableEntity"}' });
    }
    expect(ledger.pendingInbox(PAIR)).toEqual([]);
  });

  it('answers 415 to a signed body that is not sent as JSON', async () => {
    const { ledger, receiver } = await setup();
    const body = notification();
    for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=iso-8859-1']) {
      const res = await post(receiver.url, body, { ...signedHeaders(body), 'Content-Type': ct });
      expect({ ct, status: res.status }).toEqual({ ct, status: 415 });
    }
    expect(ledger.pendingInbox(PAIR)).toEqual([]);
    expect((await post(receiver.url, body, { ...signedHeaders(body), 'Content-Type': 'application/json' })).status).toBe(200);
  });

  it('answers 413 {"message":"Request Too Long"} to a body over 64 KiB', async () => {
    const { ledger, receiver } = await setup();
    const body = notification({ padding: 'x'.repeat(64 * 1024) });
    const res = await post(receiver.url, body, signedHeaders(body));
    expect(res).toEqual({ status: 413, text: '{"message":"Request Too Long"}' });
    expect(ledger.pendingInbox(PAIR)).toEqual([]);
    const fits = notification({ padding: 'x'.repeat(60 * 1024) });
    expect((await post(receiver.url, fits, signedHeaders(fits))).status).toBe(200);
  });

  it('answers 413 from the declared length, without waiting for the rest of the body', async () => {
    const { receiver } = await setup();
    const { hostname, port } = new URL(receiver.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({
        host: hostname,
        port,
        method: 'POST',
        path: '/',
        headers: { 'Content-Type': JSON_CT, 'Content-Length': String(10 * 1024 * 1024) },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      req.write('{"taskId":"'); // 10 MiB promised, a few bytes sent: the answer must not wait for the rest
    });
    expect(status).toBe(413);
  });

  it('answers 413 to a chunked body once it passes 64 KiB, with no length declared', async () => {
    const { ledger, receiver } = await setup();
    const { hostname, port } = new URL(receiver.url);
    const body = notification({ padding: 'x'.repeat(64 * 1024) });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: hostname, port, method: 'POST', path: '/', headers: { ...signedHeaders(body), 'Transfer-Encoding': 'chunked' } });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      req.write(body); // the request is never ended: the answer comes from the byte count alone
    });
    expect(status).toBe(413);
    expect(ledger.pendingInbox(PAIR)).toEqual([]);
  });

  it('answers 200 to a past expirationTime without enqueuing it', async () => {
    const { ledger, receiver, events } = await setup();
    const body = notification({ expirationTime: '2024-03-19T09:28:18Z' });
    expect(await post(receiver.url, body, signedHeaders(body))).toEqual({ status: 200, text: body });
    expect(ledger.pendingInbox(PAIR)).toEqual([]);
    expect(events.at(-1)?.outcome).toBe('expired');
  });

  it('answers 200 to a repeated taskId and does not enqueue it again', async () => {
    const { ledger, receiver, accepted, events } = await setup();
    const body = notification();
    expect((await post(receiver.url, body, signedHeaders(body))).status).toBe(200);
    const again = await post(receiver.url, body, signedHeaders(body, { ts: NOW_S + 30 }));
    expect(again).toEqual({ status: 200, text: body });
    expect(ledger.pendingInbox(PAIR)).toHaveLength(1);
    expect(accepted()).toBe(1);
    expect(events.map((e) => e.outcome)).toEqual(['accepted', 'duplicate']);
  });

  it('takes the spec\'s spelling AccoutingDocuments and any case, storing the one canonical task type', async () => {
    const { ledger, receiver } = await setup();
    const bodies = [
      notification({ taskId: 't-1', taskType: 'AccoutingDocuments', documentId: 'd-1' }),
      notification({ taskId: 't-2', taskType: 'accountingdocuments', documentId: 'd-2' }),
      notification({ taskId: 't-3', taskType: 'ExportedPurchaseOrders', documentId: 'd-3' }),
      notification({ taskId: 't-4', taskType: 'CONNECTIONTEST', documentId: 'ConnectionTest' }),
    ];
    for (const b of bodies) expect((await post(receiver.url, b, signedHeaders(b))).status).toBe(200);
    expect(ledger.pendingInbox(PAIR).map((r) => [r.documentId, r.taskType])).toEqual([
      ['d-1', 'AccountingDocuments'],
      ['d-2', 'AccountingDocuments'],
    ]);
  });

  it('stores one inbox row when the same notification arrives three times at once', async () => {
    const { ledger, receiver, accepted } = await setup();
    const body = notification();
    const results = await Promise.all([0, 1, 2].map((i) => post(receiver.url, body, signedHeaders(body, { ts: NOW_S + i }))));
    expect(results).toEqual([0, 1, 2].map(() => ({ status: 200, text: body })));
    expect(ledger.pendingInbox(PAIR)).toHaveLength(1);
    expect(accepted()).toBe(1);
  });

  it('has committed the row to the file by the time the 200 arrives', async () => {
    const file = tempLedgerPath();
    const { receiver } = await setup({}, file);
    const body = notification();
    expect((await post(receiver.url, body, signedHeaders(body))).status).toBe(200);
    const other = Ledger.open(file); // another process's view, e.g. the next `mlsync run`
    try {
      expect(other.pendingInbox(PAIR).map((r) => r.documentId)).toEqual(['doc-0001']);
    } finally {
      other.close();
    }
  });

  it('answers 500 and stores nothing when the ledger write fails, so Basware delivers again', async () => {
    const failing = {
      acceptNotification: () => {
        throw new Error('SQLITE_BUSY: database is locked');
      },
      purgeInbox: () => 0,
    };
    const ledger = Ledger.open(':memory:');
    const receiver = await startReceiver({ port: 0, pair: PAIR, secrets: [SECRET], ledger: failing, now: () => new Date(NOW_S * 1000) });
    open.push({ receiver, ledger });
    const body = notification();
    expect(await post(receiver.url, body, signedHeaders(body))).toEqual({ status: 500, text: '{"message":"Internal server error"}' });
  });

  it('serves GET /healthz, 404 on other GETs and 405 on other methods', async () => {
    const { receiver } = await setup();
    const health = await fetch(`${receiver.url}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
    expect((await fetch(`${receiver.url}/other`)).status).toBe(404);
    const put = await fetch(`${receiver.url}/`, { method: 'PUT', body: '{}' });
    expect([put.status, put.headers.get('allow')]).toEqual([405, 'POST']);
  });

  it('binds to 127.0.0.1 by default and refuses to start without a secret', async () => {
    const { receiver } = await setup();
    expect(receiver.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ledger = Ledger.open(':memory:');
    try {
      await expect(startReceiver({ port: 0, pair: PAIR, secrets: [''], ledger })).rejects.toThrow(ConfigError);
      await expect(startReceiver({ port: 0, pair: PAIR, secrets: [], ledger })).rejects.toThrow(/BASWARE_WEBHOOK_SECRET/);
    } finally {
      ledger.close();
    }
  });

  it('closes gracefully: finishes the request in flight, then refuses new connections', async () => {
    const ledger = Ledger.open(':memory:');
    const receiver = await startReceiver({ port: 0, pair: PAIR, secrets: [SECRET], ledger, now: () => new Date(NOW_S * 1000) });
    try {
      const body = notification();
      const headers = signedHeaders(body);
      const { hostname, port } = new URL(receiver.url);
      let closed = false;
      let closedBeforeBodyEnded: boolean | undefined;
      const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request({ host: hostname, port, method: 'POST', path: '/', headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } });
        req.on('response', (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', reject);
        req.write(body.slice(0, 20));
        // close() while the body is half sent, then send the rest
        setTimeout(() => {
          void receiver.close().then(() => (closed = true));
          setTimeout(() => {
            closedBeforeBodyEnded = closed;
            req.end(body.slice(20));
          }, 50);
        }, 50);
      });
      expect(await answer).toEqual({ status: 200, text: body });
      expect(closedBeforeBodyEnded).toBe(false); // close() waited for the request in flight
      await receiver.close();
      expect(closed).toBe(true);
      expect(ledger.pendingInbox(PAIR)).toHaveLength(1);
      await expect(fetch(`${receiver.url}/healthz`)).rejects.toThrow();
    } finally {
      await receiver.close();
      ledger.close();
    }
  });
});
