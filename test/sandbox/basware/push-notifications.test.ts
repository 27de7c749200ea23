import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signNotification } from '../../../src/sandbox/basware/index.js';
import type { BaswareSimulator } from '../../../src/sandbox/basware/index.js';
import { ALL_SCOPES, CLIENT, UUID, call, startSim, token } from './sim-fixture.js';

const SUB_SCOPES = ['subscriptions.read', 'subscriptions.write', 'subscriptions.delete'];
const SCOPES = [...ALL_SCOPES, ...SUB_SCOPES];
const SECRET = 'whsec-test-4f1c2b9e7d6a5038';
const SHORT_RETRIES = { webhookRetryDelaysMs: [20, 20, 20, 20], webhookTimeoutMs: 2000 };
const NOTIFICATION_KEYS = ['taskId', 'taskStatus', 'taskType', 'taskSubType', 'documentId', 'expirationTime'];

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  json: any;
}

/** A tiny webhook receiver: records every request; `respond` decides each answer's status (or null = never answer). */
class Receiver {
  readonly received: Received[] = [];
  respond: (r: Received, index: number) => number | null = () => 200;
  private server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      let json: any;
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        json = undefined;
      }
      const r: Received = { path: req.url ?? '/', headers: req.headers, body, json };
      this.received.push(r);
      const status = this.respond(r, this.received.length - 1);
      if (status === null) return; // hang: the sender must time out
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
    });
  });
  url = '';

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Notifications other than ConnectionTests. */
  notifications(): Received[] {
    return this.received.filter((r) => r.json?.taskType !== 'ConnectionTest');
  }
}

/** The §6 formula, computed here independently of the simulator. */
function expectedSignature(r: Received, secret: string): string {
  const ts = String(r.headers['x-bwapi-timestamp']);
  const mac = createHmac('sha256', Buffer.from(secret, 'utf8')).update(Buffer.concat([Buffer.from(`${ts}.`, 'ascii'), r.body]));
  return `sha256=${mac.digest('hex')}`;
}

function subscription(url: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    taskType: 'AccountingDocuments',
    taskSubType: 'WaitingForTransfer',
    subscriptionType: 'Webhook',
    notificationWebhookURL: url,
    webhookAuthenticationToken: SECRET,
    ...extra,
  };
}

function invoice(id: string): Record<string, unknown> {
  return {
    invoiceId: id,
    invoiceNumber: `INV-${id}`,
    companyCode: 'BW00',
    supplierCode: '81264',
    currencyCode: 'USD',
    netSum: 1000,
    grossSum: 1160,
    codingRows: [{ externalCode: 'row-1', rowIndex: 1, accountCode: '6100', netTotal: 1000, grossTotal: 1160 }],
  };
}

describe('§6 signing test vectors', () => {
  it('vector 1: timestamp.body under the UTF-8 secret; the body-only HMAC differs', () => {
    const body =
      '{"taskId":"eb9ea3fa-69de-4a5a-8a1a-f4347cd18626","taskStatus":"New","taskType":"AccountingDocuments","taskSubType":"WaitingForTransfer","documentId":"138e7d94997847aebe7432e521b3dac9","expirationTime":"2024-03-20T09:28:19Z"}';
    expect(Buffer.byteLength(body)).toBe(224);
    const sig = signNotification(body, 'whsec-test-4f1c2b9e7d6a5038', 1710840499);
    expect(sig).toBe('sha256=29851406bd1a7d68e088e3377dcef4e83a138aabc9da153be7f3e1195aab5aa8');
    expect(sig).not.toContain('aa47962f3cb281a0e88a1a5054053c4ad6df941d5eebbe5b832e9f5391268dea');
  });

  it('vector 2: a key with ö is used as its 63 UTF-8 bytes, not Latin-1', () => {
    const secret = 'ad65rujltr9093ijhdkutiyua09döijhsa76d8799w8pqugdfafjdhfkjhadls';
    expect(Buffer.byteLength(secret, 'utf8')).toBe(63);
    const body = '{"taskId":"0c2a6f4e-1b7d-4e8a-9c3f-5d6e7f8a9b0c","taskStatus":"New","taskType":"ConnectionTest","taskSubType":"All","documentId":"ConnectionTest"}';
    const sig = signNotification(body, secret, 1710840500);
    expect(sig).toBe('sha256=903e5e8fcdb53bb9076cd3e6d10c63fc5346795bbcbef8559167af92807f0397');
    expect(sig).not.toContain('14d2b3b0dc41c7621fcae74e6c8b872122f0c42db592fe4d04d9877d97766015');
    expect(signNotification(Buffer.from(body, 'utf8'), secret, 1710840500)).toBe(sig);
  });
});

describe('push-notification subscriptions and deliveries (§4.6, §6)', () => {
  let sim: BaswareSimulator;
  let tok: string;
  let receivers: Receiver[] = [];

  async function receiver(respond?: Receiver['respond']): Promise<Receiver> {
    const r = await new Receiver().start();
    if (respond) r.respond = respond;
    receivers.push(r);
    return r;
  }

  async function subscribe(subs: unknown[]) {
    return call(sim, 'POST', '/v1/subscriptions', { token: tok, body: subs });
  }

  beforeAll(async () => {
    sim = await startSim({ config: SHORT_RETRIES });
    sim.registerClient({ ...CLIENT, scopes: SCOPES });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(async () => {
    sim.reset();
    sim.setConfig(SHORT_RETRIES);
    tok = await token(sim, SCOPES);
  });
  afterEach(async () => {
    await sim.drainDeliveries();
    await Promise.all(receivers.map((r) => r.close()));
    receivers = [];
  });

  it('subscribing sends a signed ConnectionTest first, then stores and echoes the subscription', async () => {
    const rx = await receiver();
    const before = Math.floor(Date.now() / 1000);
    const res = await subscribe([subscription(`${rx.url}/hooks/t-0042`, { taskSubType: 'All' })]);
    expect(res.status).toBe(200);
    expect(res.json).toEqual([
      { ...subscription(`${rx.url}/hooks/t-0042`, { taskSubType: 'All' }), lastUpdated: expect.any(String), autoResponder: null },
    ]);

    expect(rx.received).toHaveLength(1);
    const test = rx.received[0]!;
    expect(test.path).toBe('/hooks/t-0042');
    expect(test.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(test.headers['x-bwapi-delivery-attempt']).toBe('1');
    const ts = Number(test.headers['x-bwapi-timestamp']);
    expect(String(ts)).toMatch(/^\d+$/);
    expect(ts).toBeGreaterThanOrEqual(before);
    expect(ts).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(test.headers['x-bwapi-signature-256']).toBe(expectedSignature(test, SECRET));
    expect(Object.keys(test.json)).toEqual(['taskId', 'taskStatus', 'taskType', 'taskSubType', 'documentId']);
    expect(test.json).toMatchObject({ taskStatus: 'New', taskType: 'ConnectionTest', taskSubType: 'All', documentId: 'ConnectionTest' });
    expect(test.json.taskId).toMatch(UUID);
    // Compact JSON: the raw bytes are exactly the re-serialised object.
    expect(test.body.toString('utf8')).toBe(JSON.stringify(test.json));

    const list = await call(sim, 'GET', '/v1/subscriptions', { token: tok });
    expect(list.status).toBe(200);
    expect(list.json.subscriptions).toHaveLength(1);
    expect(list.json.subscriptions[0].notificationWebhookURL).toBe(`${rx.url}/hooks/t-0042`);
  });

  it('a receiver refusing the ConnectionTest fails the subscribe with 400 and nothing is stored', async () => {
    const refusing = await receiver(() => 401);
    const good = await receiver();
    const res = await subscribe([subscription(good.url), subscription(refusing.url)]);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      requestId: expect.any(String),
      hasError: true,
      errorMessages: [{ type: 'VALIDATION', code: 'CONNECTION_TEST_FAILED', message: 'Webhook answered 401' }],
    });
    expect(refusing.received).toHaveLength(1);
    const list = await call(sim, 'GET', '/v1/subscriptions', { token: tok });
    expect(list.status).toBe(404);
    expect(list.json).toEqual({ detail: 'Not Found' });

    // Nothing stored means nothing delivered for a new document either.
    sim.addAccountingDocuments([invoice('inv-refused')]);
    await sim.drainDeliveries();
    expect(good.notifications()).toHaveLength(0);
  });

  it('an unreachable URL fails the subscribe with CONNECTION_TEST_FAILED', async () => {
    const gone = await receiver();
    const url = gone.url;
    await gone.close();
    receivers = receivers.filter((r) => r !== gone);
    const res = await subscribe([subscription(url)]);
    expect(res.status).toBe(400);
    expect(res.json.errorMessages[0].code).toBe('CONNECTION_TEST_FAILED');
    expect(res.json.errorMessages[0].message).toMatch(/^Webhook did not answer/);
  });

  it('validates the body: required fields and enums give 400, a non-array 422, no scope 401', async () => {
    const rx = await receiver();
    const missing = await subscribe([{ subscriptionType: 'Webhook', notificationWebhookURL: rx.url, webhookAuthenticationToken: SECRET }]);
    expect(missing.status).toBe(400);
    expect(missing.json.hasError).toBe(true);
    expect(missing.json.errorMessages[0]).toEqual({ type: 'VALIDATION', code: 'SCHEMA_VALIDATION_ERROR', message: '[0] taskType field required' });

    const bad = await subscribe([subscription(rx.url, { taskSubType: 'Approved', extra: 1 })]);
    expect(bad.status).toBe(400);
    expect(bad.json.errorMessages.map((e: any) => e.message)).toEqual([
      '[0] extra is not a known field',
      expect.stringContaining('taskSubType must be one of'),
    ]);
    expect((await subscribe([subscription('ftp://example.com/x')])).status).toBe(400);
    expect((await subscribe([subscription(rx.url, { webhookAuthenticationToken: '' })])).status).toBe(400);
    expect((await call(sim, 'POST', '/v1/subscriptions', { token: tok, body: subscription(rx.url) })).status).toBe(422);
    // No ConnectionTest goes out for a request that fails validation.
    expect(rx.received).toHaveLength(0);

    const readOnly = await token(sim, ['subscriptions.read']);
    const denied = await call(sim, 'POST', '/v1/subscriptions', { token: readOnly, body: [subscription(rx.url)] });
    expect(denied.status).toBe(401);
    expect(denied.json).toEqual({ message: 'Unauthorized' });
  });

  it('a null taskSubType defaults to All', async () => {
    const rx = await receiver();
    const res = await subscribe([subscription(rx.url, { taskSubType: null })]);
    expect(res.status).toBe(200);
    expect(res.json[0].taskSubType).toBe('All');
    expect(rx.received[0]!.json.taskSubType).toBe('All');
  });

  it('a document entering WaitingForTransfer sends one signed notification per matching subscription', async () => {
    const waiting = await receiver();
    const all = await receiver();
    const other = await receiver();
    expect((await subscribe([subscription(waiting.url), subscription(all.url, { taskSubType: 'All', webhookAuthenticationToken: 'second-secret' })])).status).toBe(200);
    expect((await subscribe([subscription(other.url, { taskSubType: 'WaitingForPrebook' }), subscription(other.url, { taskType: 'RequestStatus', taskSubType: 'All' })])).status).toBe(200);

    const createdMs = Date.now();
    sim.addAccountingDocuments([invoice('138e7d94997847aebe7432e521b3dac9')]);
    await sim.drainDeliveries();

    expect(other.notifications()).toHaveLength(0);
    const [a] = waiting.notifications();
    const [b] = all.notifications();
    expect(waiting.notifications()).toHaveLength(1);
    expect(all.notifications()).toHaveLength(1);
    for (const [r, secret] of [[a!, SECRET], [b!, 'second-secret']] as const) {
      expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(r.headers['x-bwapi-signature-256']).toBe(expectedSignature(r, secret));
      expect(r.headers['x-bwapi-delivery-attempt']).toBe('1');
      expect(Object.keys(r.json)).toEqual(NOTIFICATION_KEYS);
      expect(r.body.toString('utf8')).toBe(JSON.stringify(r.json));
      expect(r.json).toMatchObject({ taskStatus: 'New', taskType: 'AccountingDocuments', taskSubType: 'WaitingForTransfer', documentId: '138e7d94997847aebe7432e521b3dac9' });
      expect(r.json.expirationTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const expiresIn = Date.parse(r.json.expirationTime) - createdMs;
      expect(Math.abs(expiresIn - 24 * 3600 * 1000)).toBeLessThan(2000);
    }
    expect(a!.json.taskId).not.toBe(b!.json.taskId);

    const task = await call(sim, 'GET', `/v1/tasks/${a!.json.taskId}`, { token: tok });
    expect(task.status).toBe(200);
    expect(task.json.taskStatus[0]).toMatchObject({ taskId: a!.json.taskId, taskStatus: 'Completed', documentId: '138e7d94997847aebe7432e521b3dac9' });
    const byDoc = await call(sim, 'GET', '/v1/tasks?documentId=138e7d94997847aebe7432e521b3dac9&taskStatus=Completed', { token: tok });
    expect(byDoc.json.taskStatus).toHaveLength(2);
    expect((await call(sim, 'GET', '/v1/tasks?taskStatus=Failed', { token: tok })).json).toEqual({ detail: 'Not Found' });
    expect((await call(sim, 'GET', '/v1/tasks/no-such-task', { token: tok })).status).toBe(404);

    // Re-adding a document that is already waiting is not "entering" WaitingForTransfer.
    sim.addAccountingDocuments([invoice('138e7d94997847aebe7432e521b3dac9')]);
    await sim.drainDeliveries();
    expect(waiting.notifications()).toHaveLength(1);
  });

  it('a failing receiver is retried with the same body and taskId, new timestamps and signatures, then the task is Failed', async () => {
    // Each request moves the simulator clock 2 s on, so every attempt must carry a new timestamp.
    const rx = await receiver((r) => {
      if (r.json?.taskType === 'ConnectionTest') return 200;
      sim.server.clock.offsetSeconds += 2;
      return 500;
    });
    expect((await subscribe([subscription(rx.url)])).status).toBe(200);
    sim.addAccountingDocuments([invoice('inv-retry')]);
    await sim.drainDeliveries();

    const attempts = rx.notifications();
    expect(attempts).toHaveLength(5);
    expect(attempts.map((r) => r.headers['x-bwapi-delivery-attempt'])).toEqual(['1', '2', '3', '4', '5']);
    expect(new Set(attempts.map((r) => r.body.toString('hex'))).size).toBe(1);
    expect(new Set(attempts.map((r) => r.json.taskId)).size).toBe(1);
    const timestamps = attempts.map((r) => Number(r.headers['x-bwapi-timestamp']));
    expect(new Set(timestamps).size).toBe(5);
    for (const r of attempts) expect(r.headers['x-bwapi-signature-256']).toBe(expectedSignature(r, SECRET));
    expect(new Set(attempts.map((r) => r.headers['x-bwapi-signature-256'])).size).toBe(5);

    const taskId = attempts[0]!.json.taskId as string;
    expect(sim.deliveries().filter((d) => d.taskId === taskId).map((d) => [d.attempt, d.status])).toEqual([
      [1, 500], [2, 500], [3, 500], [4, 500], [5, 500],
    ]);
    const task = await call(sim, 'GET', `/v1/tasks/${taskId}`, { token: tok });
    expect(task.json.taskStatus[0].taskStatus).toBe('Failed');
  });

  it('a retry that gets a 2xx completes the task and stops retrying', async () => {
    let failures = 0;
    const rx = await receiver((r) => (r.json?.taskType === 'ConnectionTest' || failures++ >= 2 ? 200 : 503));
    expect((await subscribe([subscription(rx.url)])).status).toBe(200);
    sim.addAccountingDocuments([invoice('inv-recover')]);
    await sim.drainDeliveries();
    expect(rx.notifications()).toHaveLength(3);
    const taskId = rx.notifications()[0]!.json.taskId as string;
    expect(sim.deliveries().filter((d) => d.taskId === taskId).map((d) => d.status)).toEqual([503, 503, 200]);
    expect((await call(sim, 'GET', `/v1/tasks/${taskId}`, { token: tok })).json.taskStatus[0].taskStatus).toBe('Completed');
  });

  it('no answer within webhookTimeoutMs counts as a failed attempt', async () => {
    sim.setConfig({ webhookTimeoutMs: 100, webhookRetryDelaysMs: [10] });
    const rx = await receiver((r, i) => (r.json?.taskType === 'ConnectionTest' || i >= 2 ? 200 : null));
    expect((await subscribe([subscription(rx.url)])).status).toBe(200);
    sim.addAccountingDocuments([invoice('inv-timeout')]);
    await sim.drainDeliveries();
    const log = sim.deliveries().filter((d) => d.documentId === 'inv-timeout');
    expect(log.map((d) => d.status)).toEqual([0, 200]);
    expect(log[0]!.error).toMatch(/no answer within 100 ms/);
  });

  it('never retries after expirationTime: the task is Failed instead', async () => {
    const rx = await receiver((r) => {
      if (r.json?.taskType === 'ConnectionTest') return 200;
      sim.server.clock.offsetSeconds += 25 * 3600; // past the 24 h expiration before the retry is due
      return 500;
    });
    expect((await subscribe([subscription(rx.url)])).status).toBe(200);
    sim.addAccountingDocuments([invoice('inv-expire')]);
    await sim.drainDeliveries();
    expect(rx.notifications()).toHaveLength(1);
    tok = await token(sim, SCOPES); // the shifted clock expired the old one
    const task = (await call(sim, 'GET', `/v1/tasks/${rx.notifications()[0]!.json.taskId}`, { token: tok })).json.taskStatus[0];
    expect(task.taskStatus).toBe('Failed');
    expect(task.taskHistory.at(-1).messages[0]).toMatch(/^Expired at/);
  });

  it('re-posting the same (taskType, taskSubType, URL) rotates the secret', async () => {
    const rx = await receiver();
    expect((await subscribe([subscription(rx.url)])).status).toBe(200);
    const rotated = await subscribe([subscription(rx.url, { webhookAuthenticationToken: 'whsec-rotated-2' })]);
    expect(rotated.status).toBe(200);
    // The rotation's own ConnectionTest is already signed with the new secret.
    const test = rx.received[1]!;
    expect(test.headers['x-bwapi-signature-256']).toBe(expectedSignature(test, 'whsec-rotated-2'));

    const list = await call(sim, 'GET', '/v1/subscriptions?taskType=AccountingDocuments&taskSubType=WaitingForTransfer', { token: tok });
    expect(list.json.subscriptions).toHaveLength(1);
    expect(list.json.subscriptions[0].webhookAuthenticationToken).toBe('whsec-rotated-2');

    sim.addAccountingDocuments([invoice('inv-rotate')]);
    await sim.drainDeliveries();
    const [n] = rx.notifications();
    expect(n!.headers['x-bwapi-signature-256']).toBe(expectedSignature(n!, 'whsec-rotated-2'));
    expect(n!.headers['x-bwapi-signature-256']).not.toBe(expectedSignature(n!, SECRET));
  });

  it('GET filters; DELETE needs all three parameters and reports how many it removed', async () => {
    const rx = await receiver();
    expect((await subscribe([subscription(rx.url), subscription(rx.url, { taskSubType: 'All' }), subscription(rx.url, { taskType: 'RequestStatus' })])).status).toBe(200);
    expect((await call(sim, 'GET', '/v1/subscriptions?taskType=RequestStatus', { token: tok })).json.subscriptions).toHaveLength(1);
    expect((await call(sim, 'GET', '/v1/subscriptions?lastUpdated=2999-01-01T00:00:00Z', { token: tok })).status).toBe(404);

    const incomplete = await call(sim, 'DELETE', '/v1/subscriptions?taskType=AccountingDocuments&taskSubType=All', { token: tok });
    expect(incomplete.status).toBe(422);
    expect(incomplete.json).toEqual({ message: 'UnprocessableEntity' });

    const del = await call(sim, 'DELETE', '/v1/subscriptions?lastUpdated=0001-01-01T00:00:00Z&taskType=AccountingDocuments&taskSubType=All', { token: tok });
    expect(del.status).toBe(200);
    expect(del.json).toEqual({ status: 'Deleted successfully', numberOfRecordsDeleted: 2 });
    const left = await call(sim, 'GET', '/v1/subscriptions', { token: tok });
    expect(left.json.subscriptions.map((s: any) => s.taskType)).toEqual(['RequestStatus']);

    sim.addAccountingDocuments([invoice('inv-after-delete')]);
    await sim.drainDeliveries();
    expect(rx.notifications()).toHaveLength(0);
  });

  it('/_sim/reset clears subscriptions and tasks', async () => {
    const rx = await receiver();
    expect((await subscribe([subscription(rx.url)])).status).toBe(200);
    sim.addAccountingDocuments([invoice('inv-reset')]);
    await sim.drainDeliveries();
    sim.reset();
    tok = await token(sim, SCOPES);
    expect((await call(sim, 'GET', '/v1/subscriptions', { token: tok })).status).toBe(404);
    expect((await call(sim, 'GET', '/v1/tasks', { token: tok })).status).toBe(404);
    expect(sim.deliveries()).toEqual([]);
  });
});
