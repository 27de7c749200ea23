import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BASWARE_SCOPES } from '../../../src/connectors/basware/descriptor.js';
import type { MirrorWrite } from '../../../src/connectors/types.js';
import type { GlAccount, PurchaseOrder, Supplier } from '../../../src/model/master-data.js';
import { createMemoryBlobStore } from '../../../src/auth/token-cache.js';
import { createBaswareConnector } from '../../../src/connectors/basware/connector.js';
import { Redactor } from '../../../src/secrets/redactor.js';
import { NOW, SECRET, baswareConfig, fakeBasware, makeBasware, statusBody } from './fake-basware.js';

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function vendors(n: number, from = 1): MirrorWrite<Supplier>[] {
  return Array.from({ length: n }, (_, i) => {
    const code = String(10000 + from + i);
    return { key: code, record: { code, name: `Supplier ${code}`, active: true } };
  });
}

function po(number: string, lineCount: number): MirrorWrite<PurchaseOrder> {
  return {
    key: number,
    record: {
      number,
      supplierCode: '10001',
      currency: 'EUR',
      lines: Array.from({ length: lineCount }, (_, i) => ({ lineNumber: String((i + 1) * 10), quantity: 1, unitPrice: 5, netAmount: 5 })),
    },
  };
}

describe('Basware connector: token and headers', () => {
  it('asks for a client-credentials token with Basic auth and every scope mlsync needs, then sends X-BW-REQUEST-ID', async () => {
    const bw = fakeBasware();
    const { connector } = makeBasware();
    await connector.submitMirror('suppliers', vendors(2));

    expect(bw.tokenRequests).toHaveLength(1);
    const [t] = bw.tokenRequests;
    expect(t?.authorization).toBe(`Basic ${Buffer.from(`mlsync-client:${SECRET}`).toString('base64')}`);
    expect(t?.body.get('grant_type')).toBe('client_credentials');
    expect(t?.body.get('scope')?.split(' ')).toEqual([...BASWARE_SCOPES]);
    const post = bw.posts[0];
    expect(post?.headers.authorization).toBe('Bearer bw-access-1');
    expect(post?.headers['x-bw-request-id']).toMatch(UUID);
    expect(post?.headers['content-type']).toContain('application/json');
  });

  it('leaves the correlation header out when sendCorrelationHeader is false', async () => {
    const bw = fakeBasware();
    const { connector } = makeBasware({ sendCorrelationHeader: false });
    await connector.submitMirror('suppliers', vendors(1));
    expect(bw.posts[0]?.headers['x-bw-request-id']).toBeUndefined();
  });
});

describe('Basware connector: phase 1 (submit)', () => {
  it('posts at most 200 vendors per request and keeps each request id as the pending handle', async () => {
    const bw = fakeBasware();
    const { connector } = makeBasware();
    const batch = await connector.submitMirror('suppliers', vendors(201));
    expect(bw.postsTo('/v1/vendors').map((p) => p.body.length)).toEqual([200, 1]);
    expect(batch.settled).toEqual([]);
    expect(batch.pendingKeys).toHaveLength(201);

    bw.onStatus((id) => [200, statusBody(id, 'Success', [])]);
    const outcomes = await connector.confirmMirror(batch);
    expect(new Set(outcomes.map((o) => o.requestId))).toEqual(new Set(['req-1', 'req-2']));
    expect(outcomes.every((o) => o.status === 'written')).toBe(true);
  });

  it('rejects the records a 400 names, with Basware\'s message, and posts the rest again', async () => {
    const bw = fakeBasware();
    bw.onPost((post, n) =>
      n === 1
        ? [
            400,
            {
              requestId: 'r-400',
              hasErrors: true,
              errors: [
                {
                  externalCode: 'M3_BW00_SUP_10002',
                  type: 'VALIDATION',
                  code: 'SCHEMA_VALIDATION_ERROR',
                  message: 'The name field is required.',
                  info: 'VendorEntity',
                },
              ],
            },
          ]
        : [200, post.body, { 'x-amzn-RequestId': 'req-ok' }],
    );
    const { connector } = makeBasware();
    const batch = await connector.submitMirror('suppliers', vendors(3));

    expect(bw.posts.map((p) => p.body.map((v) => v.vendorCode))).toEqual([
      ['10001', '10002', '10003'],
      ['10001', '10003'],
    ]);
    expect(batch.settled).toEqual([
      {
        key: '10002',
        status: 'rejected',
        targetKey: 'M3_BW00_SUP_10002',
        reason: 'Basware SCHEMA_VALIDATION_ERROR: The name field is required.',
      },
    ]);
    expect(batch.pendingKeys).toEqual(['10001', '10003']);
  });

  it('rejects a whole request that Basware refused without naming a record', async () => {
    const bw = fakeBasware();
    bw.onPost(() => [400, { hasErrors: true, errors: [{ type: 'VALIDATION', code: 'SCHEMA_VALIDATION_ERROR', message: 'Maximum 200 records per request' }] }]);
    const { connector } = makeBasware();
    const batch = await connector.submitMirror('suppliers', vendors(2));
    expect(batch.settled.map((o) => [o.key, o.status])).toEqual([
      ['10001', 'rejected'],
      ['10002', 'rejected'],
    ]);
    expect(batch.settled[0]).toMatchObject({ reason: 'Basware SCHEMA_VALIDATION_ERROR: Maximum 200 records per request' });
    expect(bw.posts).toHaveLength(1);
  });

  it('sends a key given twice once, in its last version (no CONFLICT_IN_POST), and holds invalid records before sending', async () => {
    const bw = fakeBasware();
    const { connector } = makeBasware();
    const batch = await connector.submitMirror('suppliers', [
      { key: '10001', record: { code: '10001', name: 'Old name', active: true } },
      { key: '10002', record: { code: '10002', name: 'N'.repeat(251), active: true } },
      { key: '10001', record: { code: '10001', name: 'New name', active: true } },
    ]);
    expect(bw.posts[0]?.body.map((v) => v.name)).toEqual(['New name']);
    expect(batch.settled).toEqual([{ key: '10002', status: 'rejected', reason: 'vendor name is 251 characters; Basware allows 250' }]);
  });

  it('splits a request that Basware finds too large (413) and sends both halves', async () => {
    const bw = fakeBasware();
    bw.onPost((post, n) => (n === 1 ? [413, { message: 'Request Too Long' }] : [200, post.body, { 'x-amzn-RequestId': `req-${n}` }]));
    const { connector } = makeBasware();
    const batch = await connector.submitMirror('glAccounts', [1, 2, 3].map((i) => ({ key: `A${i}`, record: { code: `A${i}`, name: `Account ${i}`, active: true } })) as MirrorWrite<GlAccount>[]);
    expect(bw.posts.map((p) => p.body.length)).toEqual([3, 2, 1]);
    expect(batch.pendingKeys).toEqual(['A1', 'A2', 'A3']);
  });

  it('throws when nothing could be sent at all (the whole batch failed)', async () => {
    const bw = fakeBasware();
    bw.onPost(() => [503, { hasErrors: true, errors: [{ type: 'TECHNICAL', code: 'UNEXPECTED_ERROR' }] }]);
    const { connector } = makeBasware();
    await expect(connector.submitMirror('suppliers', vendors(1))).rejects.toThrow(/HTTP 503/);
    expect(bw.posts).toHaveLength(2); // idempotent upsert: retried (retryAttempts 2)
  });

  it('keeps what went out pending and marks the rest unconfirmed when a later POST fails', async () => {
    const bw = fakeBasware();
    bw.onPost((post, n) => (n === 1 ? [200, post.body, { 'x-amzn-RequestId': 'req-1' }] : [503, { hasErrors: true }]));
    const { connector } = makeBasware();
    const batch = await connector.submitMirror('suppliers', vendors(201));
    expect(batch.pendingKeys).toHaveLength(200);
    expect(batch.settled).toHaveLength(1);
    expect(batch.settled[0]).toMatchObject({ key: '10201', status: 'unconfirmed' });
    expect(batch.settled[0]?.status === 'unconfirmed' && batch.settled[0].reason).toContain('HTTP 503');
  });

  it('does not poll for a POST accepted without x-amzn-RequestId: unconfirmed at once', async () => {
    const bw = fakeBasware();
    bw.onPost((post) => [200, post.body]);
    const { connector } = makeBasware();
    const batch = await connector.submitMirror('suppliers', vendors(1));
    expect(batch.pendingKeys).toEqual([]);
    expect(batch.settled[0]).toMatchObject({ status: 'unconfirmed' });
    expect(await connector.confirmMirror(batch)).toEqual([]);
    expect(bw.polls).toHaveLength(0);
  });

  it('posts orders first, then their lines in POSTs of at most 100', async () => {
    const bw = fakeBasware();
    const { connector } = makeBasware();
    const batch = await connector.submitMirror('purchaseOrders', [po('4000123', 150), po('4000131', 60)]);
    expect(bw.posts.map((p) => [p.path, p.body.length])).toEqual([
      ['/v1/matchingOrders', 2],
      ['/v1/matchingOrderLines', 100],
      ['/v1/matchingOrderLines', 100],
      ['/v1/matchingOrderLines', 10],
    ]);
    expect(batch.pendingKeys).toEqual(['4000123', '4000131']);
  });

  it('does not send the lines of an order refused in phase 1, and refuses a PO whose line was refused', async () => {
    const bw = fakeBasware();
    bw.onPost((post, n) => {
      if (post.path === '/v1/matchingOrders' && n === 1) {
        return [400, { errors: [{ externalCode: 'M3_BW00_PO_4000131', code: 'SCHEMA_VALIDATION_ERROR', message: 'The supplierCode field is required.' }] }];
      }
      if (post.path === '/v1/matchingOrderLines' && post.body.some((l) => l.externalCode === 'M3_BW00_POL_4000123-20-0')) {
        return [400, { errors: [{ externalCode: 'M3_BW00_POL_4000123-20-0', code: 'SCHEMA_VALIDATION_ERROR', message: 'Quantity must be greater than 0.' }] }];
      }
      return [200, post.body, { 'x-amzn-RequestId': `req-${n}` }];
    });
    const { connector } = makeBasware();
    const batch = await connector.submitMirror('purchaseOrders', [po('4000123', 2), po('4000131', 2)]);
    const linePosts = bw.postsTo('/v1/matchingOrderLines');
    expect(linePosts.flatMap((p) => p.body.map((l) => l.orderExternalCode))).not.toContain('M3_BW00_PO_4000131');
    expect(batch.settled).toEqual([
      {
        key: '4000123',
        status: 'rejected',
        targetKey: 'M3_BW00_PO_4000123',
        reason: 'line 20: Basware SCHEMA_VALIDATION_ERROR: Quantity must be greater than 0.',
      },
      { key: '4000131', status: 'rejected', targetKey: 'M3_BW00_PO_4000131', reason: 'Basware SCHEMA_VALIDATION_ERROR: The supplierCode field is required.' },
    ]);
    expect(batch.pendingKeys).toEqual([]);
  });
});

describe('Basware connector: phase 2 (confirm)', () => {
  it('maps item statuses: Success → written, NotProcessed → unchanged, Error → rejected with the message', async () => {
    const bw = fakeBasware();
    const { connector, sleeps } = makeBasware();
    const batch = await connector.submitMirror('suppliers', vendors(4));
    bw.onStatus((id, poll) =>
      poll < 3
        ? [200, statusBody(id, 'InProgress', [])]
        : [
            200,
            statusBody(id, 'Error', [
              { externalCode: 'M3_BW00_SUP_10001', status: 'Success' },
              { externalCode: 'M3_BW00_SUP_10002', status: 'NotProcessed' },
              { externalCode: 'M3_BW00_SUP_10003', status: 'Error', message: 'Record skipped due to wrong or missing CompanyCode' },
              { externalCode: 'M3_BW00_SUP_10004', status: 'Warning' },
            ]),
          ],
    );
    const outcomes = await connector.confirmMirror(batch);
    expect(outcomes).toEqual([
      { key: '10001', status: 'written', targetKey: 'M3_BW00_SUP_10001', requestId: 'req-1' },
      { key: '10002', status: 'unchanged', targetKey: 'M3_BW00_SUP_10002', requestId: 'req-1' },
      {
        key: '10003',
        status: 'rejected',
        targetKey: 'M3_BW00_SUP_10003',
        requestId: 'req-1',
        reason: 'Basware refused it: Record skipped due to wrong or missing CompanyCode',
      },
      { key: '10004', status: 'written', targetKey: 'M3_BW00_SUP_10004', requestId: 'req-1' },
    ]);
    // 2 s, 4 s, 8 s (doubling)
    expect(sleeps).toEqual([2000, 4000, 8000]);
    expect(bw.polls[0]?.uri).toBe('/v1/requestStatus/req-1?ignoreSuccessfulItems=false&system=P2P');
  });

  it('reports what is still InProgress at the deadline as unconfirmed, having capped the delay', async () => {
    const bw = fakeBasware();
    const { connector, sleeps } = makeBasware({ requestStatus: { maxWaitSeconds: 60, maxDelayMs: 16_000 } });
    const batch = await connector.submitMirror('suppliers', vendors(1));
    bw.onStatus((id) => [200, statusBody(id, 'InProgress', [{ externalCode: 'M3_BW00_SUP_10001', status: 'InProgress' }])]);
    const [outcome] = await connector.confirmMirror(batch);
    expect(outcome).toMatchObject({ key: '10001', status: 'unconfirmed' });
    expect(outcome?.status === 'unconfirmed' && outcome.reason).toContain('ap.requestStatus.maxWaitSeconds');
    expect(sleeps).toEqual([2000, 4000, 8000, 16000, 16000, 14000]);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBe(60_000);
  });

  it('treats 404 as InProgress during the grace period, then reads the verdict', async () => {
    const bw = fakeBasware();
    const { connector } = makeBasware();
    const batch = await connector.submitMirror('suppliers', vendors(1));
    bw.onStatus((id, poll) => (poll === 1 ? [404, ''] : [200, statusBody(id, 'Success', [{ externalCode: 'M3_BW00_SUP_10001', status: 'Success' }])]));
    const outcomes = await connector.confirmMirror(batch);
    expect(outcomes.map((o) => o.status)).toEqual(['written']);
  });

  it('gives up on a request that stays 404 after the grace period, as unconfirmed', async () => {
    const bw = fakeBasware();
    const { connector } = makeBasware({ requestStatus: { notFoundGraceSeconds: 5 } });
    const batch = await connector.submitMirror('suppliers', vendors(1));
    bw.onStatus(() => [404, '']);
    const [outcome] = await connector.confirmMirror(batch);
    expect(outcome).toMatchObject({ status: 'unconfirmed', reason: 'Basware has no status for request req-1 (HTTP 404)' });
    expect(bw.polls).toHaveLength(2); // at 2 s (in grace), at 6 s (past it)
  });

  it('polls the requests of one batch side by side and answers for the pending records only', async () => {
    const bw = fakeBasware();
    bw.onPost((post, n) =>
      n === 1
        ? [400, { errors: [{ externalCode: 'M3_BW00_SUP_10003', code: 'SCHEMA_VALIDATION_ERROR', message: 'Bad.' }] }]
        : [200, post.body, { 'x-amzn-RequestId': `req-${n}` }],
    );
    const { connector, sleeps } = makeBasware();
    const batch = await connector.submitMirror('suppliers', vendors(203));
    bw.onStatus((id) => [200, statusBody(id, 'Success', [])]);
    bw.useClock(() => sleeps.length);
    expect(batch.settled).toEqual([
      { key: '10003', status: 'rejected', targetKey: 'M3_BW00_SUP_10003', reason: 'Basware SCHEMA_VALIDATION_ERROR: Bad.' },
    ]);
    const outcomes = await connector.confirmMirror(batch);
    expect(outcomes).toHaveLength(202);
    expect(outcomes.map((o) => o.key)).toEqual(batch.pendingKeys);
    expect(outcomes.every((o) => o.status === 'written')).toBe(true);
    // Side by side: both pollers had slept before either poll went out (one after the other would poll after 1 sleep).
    expect(bw.polls.map((p) => [p.requestId, p.at]).sort()).toEqual([
      ['req-2', 2],
      ['req-3', 2],
    ]);
  });

  it('writes a PO only when its order and every line are; otherwise names the failing line', async () => {
    const bw = fakeBasware();
    bw.onPost((post, n) => [200, post.body, { 'x-amzn-RequestId': post.path === '/v1/matchingOrders' ? 'orders-1' : `lines-${n}` }]);
    const { connector } = makeBasware();
    const batch = await connector.submitMirror('purchaseOrders', [po('4000123', 2), po('4000131', 1), po('4000140', 1)]);
    bw.onStatus((id) => {
      if (id === 'orders-1') {
        return [
          200,
          statusBody(id, 'Success', [
            { externalCode: 'M3_BW00_PO_4000123', status: 'Success' },
            { externalCode: 'M3_BW00_PO_4000131', status: 'NotProcessed' },
            { externalCode: 'M3_BW00_PO_4000140', status: 'NotProcessed' },
          ]),
        ];
      }
      return [
        200,
        statusBody(id, 'Error', [
          { externalCode: 'M3_BW00_POL_4000123-10-0', status: 'Success' },
          { externalCode: 'M3_BW00_POL_4000123-20-0', status: 'Error', message: 'Order not found' },
          { externalCode: 'M3_BW00_POL_4000131-10-0', status: 'NotProcessed' },
          { externalCode: 'M3_BW00_POL_4000140-10-0', status: 'Success' },
        ]),
      ];
    });
    const outcomes = await connector.confirmMirror(batch);
    expect(outcomes).toEqual([
      {
        key: '4000123',
        status: 'rejected',
        targetKey: 'M3_BW00_PO_4000123',
        requestId: 'orders-1',
        reason: 'line 20: Basware refused it: Order not found',
      },
      { key: '4000131', status: 'unchanged', targetKey: 'M3_BW00_PO_4000131', requestId: 'orders-1' },
      { key: '4000140', status: 'written', targetKey: 'M3_BW00_PO_4000140', requestId: 'orders-1' },
    ]);
  });
});

describe('Basware connector: token cache', () => {
  it('keeps the token across connector instances under basware:<host>:<clientId>, encrypted', async () => {
    const bw = fakeBasware();
    const store = createMemoryBlobStore();
    const config = baswareConfig();
    for (let run = 0; run < 2; run++) {
      const connector = createBaswareConnector(config, { redactor: new Redactor(), configDir: '.', tokenStore: store, now: () => NOW });
      await connector.submitMirror('suppliers', vendors(1));
    }
    expect(bw.tokenRequests).toHaveLength(1);
    expect([...store.blobs.keys()]).toEqual(['basware:test-api.basware.com:mlsync-client']);
    expect(store.blobs.get('basware:test-api.basware.com:mlsync-client')?.toString('latin1')).not.toContain('bw-access-1');
  });
});

describe('Basware connector: ping', () => {
  it('is ok when the vendor list answers 404 (no vendors yet), with the token expiry', async () => {
    const bw = fakeBasware();
    const { connector } = makeBasware();
    const result = await connector.ping();
    expect(result).toMatchObject({ ok: true, system: 'basware', endpoint: 'https://test-api.basware.com/v1/vendors?pageSize=1' });
    expect(result.message).toContain('no vendors');
    expect(result.tokenExpiresAt?.toISOString()).toBe('2024-03-19T10:30:00.000Z');
    expect(bw.apiHeaders[0]?.[':uri']).toBe('/v1/vendors?pageSize=1');
  });

  it('reports a refused login as AUTH_FAILED naming Basware and the variables, without the secret', async () => {
    const bw = fakeBasware();
    bw.onToken(() => [401, { error: 'invalid_client' }]);
    const { connector } = makeBasware();
    const result = await connector.ping();
    expect(result.ok).toBe(false);
    expect(result.code).toBe('AUTH_FAILED');
    expect(result.message).toContain('Basware');
    expect(result.message).toContain('BASWARE_CLIENT_ID/BASWARE_CLIENT_SECRET');
    expect(result.message).not.toContain(SECRET);
  });

  it('reports an unreachable host instead of throwing', async () => {
    // A loopback port that was just closed: connection refused at once.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    nock.enableNetConnect('127.0.0.1');
    const { connector } = makeBasware({ baseUrl: `http://127.0.0.1:${port}`, http: { timeoutSeconds: 2 } });
    const result = await connector.ping();
    expect(result.ok).toBe(false);
    expect(result.code).toBe('CONNECTION_FAILED');
    expect(result.message).toContain(`127.0.0.1:${port}`);
  });
});
