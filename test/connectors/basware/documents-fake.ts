/**
 * A nock double of Basware's accounting-document export (apis/basware.md §3.3, §4.5) for client tests:
 * single GETs answer 302 to a pre-signed URL on another host, and acknowledge / transferResponses /
 * paymentResponses follow the status rules of §4.5. Scripted faults make one POST time out (landed or
 * not) or answer a given status. Every exchange is logged with its headers.
 */
import nock from 'nock';
import { BASE } from './fake-basware.js';

/** The pre-signed host: another origin, as on real Basware (S3). */
export const S3 = 'https://bw-exports.s3.eu-west-1.amazonaws.com';
export const PRESIGN_QUERY = 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20240319T093000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=9f2c0d1e';
export const TOKEN = 'bw-access-1';

export type Doc = Record<string, unknown> & { invoiceId: string; processingStatus: string };
type ReplyBody = string | Record<string, unknown>;
export type Reply = readonly [number, ReplyBody] | readonly [number, ReplyBody, Record<string, string>];
export type PostKind = 'acknowledge' | 'transferResponses' | 'paymentResponses';

export interface Exchange {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
}

/** One scripted answer to the next POST of a kind. */
export type Fault =
  /** No answer within the client's timeout; `lands` says whether Basware applied it anyway. */
  | { timeout: true; lands: boolean }
  /** This status and body, after applying the POST when `lands`. */
  | { reply: Reply; lands?: boolean };

// Far beyond the 100 ms client timeout of these tests, so a loaded CI machine cannot make the answer arrive in time.
const NO_ANSWER_MS = 2000;

function errorList(status: number, code: string, message: string, externalCode: string | null): Reply {
  return [status, { requestId: 'r-err', hasErrors: true, errors: [{ externalCode, type: 'BUSINESS', code, message, info: null }] }];
}

/** The Basware rules of §4.5 applied to the stored document. */
function apply(doc: Doc, kind: PostKind, body: Record<string, unknown> | undefined): Reply {
  const status = doc.processingStatus;
  if (kind === 'acknowledge') {
    if (status !== 'WaitingForTransfer') return errorList(405, 'METHOD_NOT_ALLOWED', 'Invoice already acknowledged', doc.invoiceId);
    doc.processingStatus = 'TransferInProgress';
    return [200, '"Acknowledged"', { 'content-type': 'application/json' }];
  }
  const code = String(body?.externalCode);
  if (kind === 'transferResponses') {
    if (!['WaitingForTransfer', 'TransferInProgress', 'TransferFailed'].includes(status)) {
      return errorList(400, 'DATA_VALIDATION_FAILED', `Invoice is ${status}; a transferResponse is not allowed`, code);
    }
    const list = (doc.transferResponses ??= []) as Array<Record<string, unknown>>;
    if (list.some((r) => r.externalCode === code)) return errorList(400, 'CONFLICT_IN_POST', `externalCode '${code}' exists`, code);
    list.push(body as Record<string, unknown>);
    doc.processingStatus = body?.success === true ? 'Transferred' : 'TransferFailed';
    return [200, body ?? ''];
  }
  const list = (doc.paymentResponses ??= []) as Array<Record<string, unknown>>;
  if (list.some((r) => r.externalCode === code)) return errorList(409, 'CONFLICT_IN_POST', `externalCode '${code}' exists`, code);
  if (!['Transferred', 'Paid'].includes(status)) return errorList(400, 'DATA_VALIDATION_FAILED', `Invoice is ${status}; a paymentResponse needs a Transferred invoice`, code);
  list.push(body as Record<string, unknown>);
  if (typeof doc.grossSum === 'number' && Number(body?.paidTotal ?? 0) >= doc.grossSum) doc.processingStatus = 'Paid';
  return [200, body ?? ''];
}

export function tokenEndpoint(): void {
  nock(BASE).persist().post('/v1/tokens').reply(200, { access_token: TOKEN, scope: 'accountingDocuments.read accountingDocuments.write', expires_in: 3600, token_type: 'Bearer' });
}

export function documentsDouble(initial: Doc[] = []) {
  const docs = new Map<string, Doc>(initial.map((d) => [d.invoiceId, structuredClone(d)]));
  const log: Exchange[] = [];
  const faults: Record<PostKind, Fault[]> = { acknowledge: [], transferResponses: [], paymentResponses: [] };
  const objects = new Map<string, string>();
  let objectCount = 0;

  tokenEndpoint();

  nock(BASE)
    .persist()
    .get(/^\/v1\/accountingDocuments\/[^/?]+$/)
    .reply(function (uri) {
      log.push({ method: 'GET', url: `${BASE}${uri}`, headers: { ...this.req.headers } });
      const id = decodeURIComponent(uri.split('/').pop() as string);
      const doc = docs.get(id);
      if (!doc) return [404, ''];
      const key = `exports/${++objectCount}.json`;
      // A snapshot at the time of the API GET, as Basware writes the export object then.
      objects.set(key, JSON.stringify({ accountingDocuments: [doc] }));
      return [302, '', { Location: `${S3}/${key}?${PRESIGN_QUERY}`, 'x-amzn-RequestId': `get-${objectCount}` }];
    });

  nock(S3)
    .persist()
    .get(/^\/exports\//)
    .reply(function (uri) {
      log.push({ method: 'GET', url: `${S3}${uri}`, headers: { ...this.req.headers } });
      if (this.req.headers.authorization !== undefined) {
        return [400, '<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>', { 'content-type': 'application/xml' }];
      }
      const body = objects.get(uri.split('?')[0]?.slice(1) ?? '');
      return body ? [200, body, { 'content-type': 'application/json' }] : [404, ''];
    });

  nock(BASE)
    .persist()
    .post(/^\/v1\/accountingDocuments\/[^/]+\/(acknowledge|transferResponses|paymentResponses)$/)
    .reply(function (uri, rawBody, callback) {
      const parts = uri.split('/');
      const kind = parts.pop() as PostKind;
      const id = decodeURIComponent(parts.pop() as string);
      const body = rawBody === '' || rawBody === undefined ? undefined : ((typeof rawBody === 'string' ? JSON.parse(rawBody) : rawBody) as Record<string, unknown>);
      log.push({ method: 'POST', url: `${BASE}${uri}`, headers: { ...this.req.headers }, body });
      const doc = docs.get(id);
      const fault = faults[kind].shift();
      if (!doc) return callback(null, [404, '']);
      if (fault && 'timeout' in fault) {
        if (fault.lands) apply(doc, kind, body);
        setTimeout(() => callback(null, [200, '']), NO_ANSWER_MS);
        return;
      }
      if (fault) {
        if (fault.lands) apply(doc, kind, body);
        return callback(null, fault.reply);
      }
      callback(null, apply(doc, kind, body));
    });

  return {
    docs,
    log,
    /** Script the answers to the next POSTs of a kind, in order. */
    fail(kind: PostKind, ...next: Fault[]) {
      faults[kind].push(...next);
    },
    posts: (kind: PostKind) => log.filter((e) => e.method === 'POST' && e.url.endsWith(`/${kind}`)),
    gets: () => log.filter((e) => e.method === 'GET' && e.url.startsWith(`${BASE}/`)),
    presigned: () => log.filter((e) => e.url.startsWith(`${S3}/`)),
  };
}

/** A document as Basware exports it (the §4.5 example), with overrides. */
export function document(overrides: Record<string, unknown> = {}): Doc {
  return {
    invoiceId: '138e7d94997847aebe7432e521b3dac9',
    bumid: 'c6d7067f-eb67-4289-89ec-819446078a3a',
    p2pProcessingMode: 'Standard',
    processingStatus: 'WaitingForTransfer',
    invoiceNumber: '80000330200233',
    invoiceDate: '2024-03-12T00:00:00Z',
    dueDate: '2024-04-11T00:00:00Z',
    companyCode: 'BW00',
    supplierCode: '81264',
    supplierName: 'Things and Gadgets Inc.',
    currencyCode: 'USD',
    netSum: 1000,
    grossSum: 1160,
    taxSum1: 160,
    taxPercent1: 16,
    paymentBlock: false,
    paymentTermCode: 'Net30',
    paymentMethod: 'BankTransfer',
    referenceNumber: '16422-3210654',
    orderNumbers: ['450004534'],
    lastUpdated: '2024-03-19T09:28:19.093Z',
    codingRows: [
      {
        externalCode: 'd5dc444e5c4a4222bc70ee1f8eabcb7d',
        rowIndex: 1,
        accountCode: '6100',
        costCenterCode: '61300',
        netTotal: 1000,
        grossTotal: 1160,
        taxCode: 'T16',
        taxPercent: 16,
        taxSum: 160,
      },
    ],
    transferResponses: [],
    paymentResponses: [],
    ...overrides,
  } as Doc;
}
