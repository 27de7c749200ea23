import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApInvoice } from '../../../src/model/invoice.js';
import type { SourceItem } from '../../../src/connectors/types.js';
import { BASE, makeBasware } from './fake-basware.js';
import { PRESIGN_QUERY, S3, TOKEN, document, documentsDouble, tokenEndpoint } from './documents-fake.js';

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const LIST_QUERY = 'ProcessingStatus=WaitingForTransfer&pageSize=100&companyCode=BW00';
const CONTINUATION = 'x-amz-meta-continuationtoken';

/** What one list GET answers: 404, or 302 to an object; the token on the final 200, on the 302, or both. */
interface PageSpec {
  notFound?: true;
  docs?: unknown[];
  tokenOnFinal?: string;
  tokenOnRedirect?: string;
  /** The pre-signed URL answers 403 (expired) instead of the object. */
  expired?: true;
  /** Location relative to the API host instead of an absolute S3 URL. */
  relativeLocation?: true;
}

interface Seen {
  uri: string;
  headers: Record<string, string | string[] | undefined>;
}

function listDouble(pages: PageSpec[]) {
  const api: Seen[] = [];
  const presigned: Seen[] = [];
  const served = new Map<string, PageSpec>();
  tokenEndpoint();
  nock(BASE)
    .persist()
    .get((uri) => uri.startsWith('/v1/accountingDocuments?'))
    .reply(function (uri) {
      api.push({ uri, headers: { ...this.req.headers } });
      const spec = pages[api.length - 1];
      if (!spec) throw new Error(`unexpected list GET #${api.length}: ${uri}`);
      if (spec.notFound) return [404, ''];
      const key = `exports/page-${api.length}.json`;
      served.set(key, spec);
      const location = spec.relativeLocation ? `/${key}?${PRESIGN_QUERY}` : `${S3}/${key}?${PRESIGN_QUERY}`;
      return [302, '', { Location: location, ...(spec.tokenOnRedirect ? { 'X-amz-meta-continuationToken': spec.tokenOnRedirect } : {}) }];
    });
  const object = function (this: { req: { headers: Record<string, string | string[] | undefined> } }, uri: string): [number, string, Record<string, string>] {
    presigned.push({ uri, headers: { ...this.req.headers } });
    if (this.req.headers.authorization !== undefined) return [400, '<Error><Code>InvalidArgument</Code></Error>', {}];
    const spec = served.get((uri.split('?')[0] as string).slice(1));
    if (!spec) return [404, '', {}];
    if (spec.expired) return [403, '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>', { 'content-type': 'application/xml' }];
    return [
      200,
      JSON.stringify({ accountingDocuments: spec.docs ?? [] }),
      { 'content-type': 'application/json', ...(spec.tokenOnFinal ? { 'X-amz-meta-continuationToken': spec.tokenOnFinal } : {}) },
    ];
  };
  nock(S3).persist().get(/^\/exports\//).reply(object);
  nock(BASE).persist().get(/^\/exports\//).reply(object);
  return { api, presigned };
}

async function readAll(items: AsyncIterable<SourceItem<ApInvoice>>): Promise<SourceItem<ApInvoice>[]> {
  const out: SourceItem<ApInvoice>[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function doc(id: string, overrides: Record<string, unknown> = {}) {
  return document({ invoiceId: id, invoiceNumber: `INV-${id}`, ...overrides });
}

function documentsOf() {
  const { connector } = makeBasware();
  if (!connector.documents) throw new Error('the Basware connector has no documents');
  return connector.documents;
}

describe('readApproved: the 302 to a pre-signed URL (§9 items 29, 30)', () => {
  it('sends the token to the API only, follows the Location by hand without Authorization, and maps the documents', async () => {
    const seen = listDouble([{ docs: [doc('A1'), doc('A2')] }]);
    const items = await readAll(documentsOf().readApproved());

    expect(seen.api).toHaveLength(1);
    expect(seen.api[0]?.uri).toBe(`/v1/accountingDocuments?${LIST_QUERY}`);
    expect(seen.api[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(seen.presigned).toHaveLength(1);
    expect(seen.presigned[0]?.uri).toBe(`/exports/page-1.json?${PRESIGN_QUERY}`);
    expect(seen.presigned[0]?.headers.authorization).toBeUndefined();
    expect(seen.presigned[0]?.headers.host).toBe(new URL(S3).host);
    // The correlation id is a Basware API header; the storage host gets nothing of ours.
    expect(seen.presigned[0]?.headers['x-bw-request-id']).toBeUndefined();
    expect(items.map((i) => [i.key, i.record?.invoiceNumber])).toEqual([
      ['A1', 'INV-A1'],
      ['A2', 'INV-A2'],
    ]);
  });

  it('resolves a relative Location against the API host and still leaves Authorization off', async () => {
    const seen = listDouble([{ docs: [doc('A1')], relativeLocation: true }]);
    const items = await readAll(documentsOf().readApproved());
    expect(items.map((i) => i.key)).toEqual(['A1']);
    expect(seen.presigned).toHaveLength(1);
    expect(seen.presigned[0]?.headers.host).toBe(new URL(BASE).host);
    expect(seen.presigned[0]?.headers.authorization).toBeUndefined();
  });

  it('treats a 404 from the API as "no documents": no redirect is followed, nothing is yielded (item 32)', async () => {
    const seen = listDouble([{ notFound: true }]);
    const items = await readAll(documentsOf().readApproved());
    expect(items).toEqual([]);
    expect(seen.api).toHaveLength(1);
    expect(seen.presigned).toHaveLength(0);
  });
});

describe('readApproved: paging with the continuation token (§9 items 25, 28, 31)', () => {
  it('reads the token from the final 200 and sends it as a header with the same query', async () => {
    const seen = listDouble([{ docs: [doc('A1')], tokenOnFinal: 'tok-final-1' }, { docs: [doc('A2')] }]);
    const items = await readAll(documentsOf().readApproved());

    expect(items.map((i) => i.key)).toEqual(['A1', 'A2']);
    expect(seen.api.map((r) => r.uri)).toEqual([`/v1/accountingDocuments?${LIST_QUERY}`, `/v1/accountingDocuments?${LIST_QUERY}`]);
    expect(seen.api[0]?.headers[CONTINUATION]).toBeUndefined();
    expect(seen.api[1]?.headers[CONTINUATION]).toBe('tok-final-1');
    expect(seen.api[1]?.uri).not.toContain('tok-final-1');
    expect(seen.presigned.every((r) => r.headers[CONTINUATION] === undefined)).toBe(true);
  });

  it('falls back to the token on the 302 when the final 200 has none (M5)', async () => {
    const seen = listDouble([{ docs: [doc('A1')], tokenOnRedirect: 'tok-302' }, { docs: [doc('A2')] }]);
    const items = await readAll(documentsOf().readApproved());
    expect(items.map((i) => i.key)).toEqual(['A1', 'A2']);
    expect(seen.api[1]?.headers[CONTINUATION]).toBe('tok-302');
  });

  it('prefers the final 200 token when both carry one', async () => {
    const seen = listDouble([{ docs: [doc('A1')], tokenOnRedirect: 'tok-302', tokenOnFinal: 'tok-200' }, { docs: [] }]);
    await readAll(documentsOf().readApproved());
    expect(seen.api[1]?.headers[CONTINUATION]).toBe('tok-200');
  });

  it('keeps going after a short page that carries a token, and stops at a continuation that answers 404', async () => {
    const seen = listDouble([
      { docs: [doc('A1')], tokenOnFinal: 't1' },
      { docs: [], tokenOnFinal: 't2' },
      { docs: [doc('A2'), doc('A3')], tokenOnFinal: 't3' },
      { notFound: true },
    ]);
    const items = await readAll(documentsOf().readApproved());
    expect(items.map((i) => i.key)).toEqual(['A1', 'A2', 'A3']);
    expect(seen.api.map((r) => r.headers[CONTINUATION])).toEqual([undefined, 't1', 't2', 't3']);
  });

  it('streams: the first page is yielded before the second is requested', async () => {
    const seen = listDouble([{ docs: [doc('A1')], tokenOnFinal: 't1' }, { docs: [doc('A2')] }]);
    const iterator = documentsOf().readApproved()[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value?.key).toBe('A1');
    expect(seen.api).toHaveLength(1);
    await iterator.next();
    expect(seen.api).toHaveLength(2);
  });

  it('stops with an error instead of looping when Basware hands back the same token again', async () => {
    listDouble([
      { docs: [doc('A1')], tokenOnFinal: 'same' },
      { docs: [doc('A2')], tokenOnFinal: 'same' },
    ]);
    const keys: string[] = [];
    const err = await (async () => {
      for await (const item of documentsOf().readApproved()) keys.push(item.key);
    })().catch((e: unknown) => e);
    expect(keys).toEqual(['A1', 'A2']);
    expect(err).toMatchObject({ code: 'RESPONSE_UNEXPECTED' });
    expect((err as Error).message).toContain('same continuation token');
  });
});

describe('readApproved: an expired pre-signed URL (§9 item 30)', () => {
  it('restarts the page from the API GET, with the same continuation token, instead of retrying the dead URL', async () => {
    const seen = listDouble([{ docs: [doc('A1')], tokenOnFinal: 't1' }, { expired: true }, { docs: [doc('A2')] }]);
    const items = await readAll(documentsOf().readApproved());
    expect(items.map((i) => i.key)).toEqual(['A1', 'A2']);
    expect(seen.api.map((r) => r.headers[CONTINUATION])).toEqual([undefined, 't1', 't1']);
    expect(seen.presigned.map((r) => r.uri.split('?')[0])).toEqual(['/exports/page-1.json', '/exports/page-2.json', '/exports/page-3.json']);
  });

  it('gives up after two fresh URLs were refused as well, with an error that says what to check', async () => {
    const seen = listDouble([{ expired: true }, { expired: true }, { expired: true }]);
    const err = await readAll(documentsOf().readApproved()).catch((e: unknown) => e);
    expect(seen.api).toHaveLength(3);
    expect(err).toMatchObject({ code: 'HTTP_403' });
    expect((err as Error).message).toMatch(/3 times in a row/);
    expect((err as Error).message).toContain('clock');
    expect((err as Error).message).not.toContain('X-Amz-Signature=');
  });
});

describe('readApproved: documents that cannot be mapped', () => {
  it('yields them as invalid items with the reason and goes on with the rest of the page', async () => {
    listDouble([{ docs: [doc('A1'), doc('BAD', { codingRows: [] }), doc('A3')] }]);
    const items = await readAll(documentsOf().readApproved());
    expect(items.map((i) => [i.key, i.record ? 'ok' : 'invalid'])).toEqual([
      ['A1', 'ok'],
      ['BAD', 'invalid'],
      ['A3', 'ok'],
    ]);
    expect(items[1]?.invalid).toContain('the document has no coding rows');
    expect(items[1]?.invalid).toContain('invoice INV-BAD');
  });

  it('refuses a page whose body is not the wrapped list, naming the call', async () => {
    tokenEndpoint();
    nock(BASE).get(`/v1/accountingDocuments?${LIST_QUERY}`).reply(302, '', { Location: `${S3}/exports/x.json?${PRESIGN_QUERY}` });
    nock(S3).get('/exports/x.json').query(true).reply(200, { documents: 'nope' });
    // A body without the accountingDocuments key reads as an empty page, a wrong type is an error.
    const items = await readAll(documentsOf().readApproved());
    expect(items).toEqual([]);

    nock(BASE).get(`/v1/accountingDocuments?${LIST_QUERY}`).reply(302, '', { Location: `${S3}/exports/y.json?${PRESIGN_QUERY}` });
    nock(S3).get('/exports/y.json').query(true).reply(200, { accountingDocuments: 'nope' });
    const err = await readAll(documentsOf().readApproved()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'RESPONSE_UNEXPECTED' });
    expect((err as Error).message).toContain('accountingDocuments page 1');
  });
});

describe('getDocument', () => {
  it('follows the 302 without Authorization and returns the status, the response codes and the mapped document', async () => {
    const bw = documentsDouble([
      document({
        processingStatus: 'Transferred',
        transferResponses: [{ externalCode: 'tr-1', success: true, responseMessage: 'ok', paymentBlock: false }],
        paymentResponses: [{ externalCode: 'pay-1', success: true, paymentBlock: false }],
      }),
    ]);
    const state = await documentsOf().getDocument('138e7d94997847aebe7432e521b3dac9');
    expect(state).toMatchObject({
      documentId: '138e7d94997847aebe7432e521b3dac9',
      status: 'Transferred',
      transferResponseCodes: ['tr-1'],
      paymentResponseCodes: ['pay-1'],
    });
    expect(state?.item.record?.invoiceNumber).toBe('80000330200233');
    expect(bw.gets()[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(bw.presigned()).toHaveLength(1);
    expect(bw.presigned()[0]?.headers.authorization).toBeUndefined();
  });

  it('returns undefined for a document Basware does not know (404)', async () => {
    const bw = documentsDouble([]);
    expect(await documentsOf().getDocument('unknown-id')).toBeUndefined();
    expect(bw.presigned()).toHaveLength(0);
  });

  it('returns the state of a document it cannot map, with the reason in the item', async () => {
    documentsDouble([document({ codingRows: [] })]);
    const state = await documentsOf().getDocument('138e7d94997847aebe7432e521b3dac9');
    expect(state?.status).toBe('WaitingForTransfer');
    expect(state?.item.invalid).toContain('no coding rows');
  });
});
