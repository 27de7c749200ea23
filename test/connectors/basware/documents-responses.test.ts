import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BusinessRejection, OutcomeUnknownError } from '../../../src/errors.js';
import { NOW, makeBasware } from './fake-basware.js';
import { TOKEN, document, documentsDouble } from './documents-fake.js';
import { validate } from './openapi-check.js';

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const ID = '138e7d94997847aebe7432e521b3dac9';
/** Short enough that a "no answer" costs a tenth of a second. */
const FAST_TIMEOUT = { http: { timeoutSeconds: 0.1 } };

function documentsOf(overrides: Record<string, unknown> = {}) {
  const { connector } = makeBasware({ ...FAST_TIMEOUT, ...overrides });
  if (!connector.documents) throw new Error('the Basware connector has no documents');
  return connector.documents;
}

/** The order of calls that reached Basware: `POST acknowledge`, `GET` (API), `S3` (pre-signed). */
function trail(bw: ReturnType<typeof documentsDouble>): string[] {
  return bw.log.map((e) => (e.method === 'POST' ? `POST ${e.url.split('/').pop()}` : e.url.includes('/v1/') ? 'GET' : 'S3'));
}

const transferred = (overrides: Record<string, unknown> = {}) =>
  document({
    processingStatus: 'Transferred',
    transferResponses: [{ externalCode: 'tr-ok', success: true, responseMessage: 'Posted', paymentBlock: false }],
    ...overrides,
  });

describe('acknowledge (§9 items 33, 34, 47)', () => {
  it('answers acknowledged on 200, with one POST carrying the token, the JSON content type and no body', async () => {
    const bw = documentsDouble([document()]);
    expect(await documentsOf().acknowledge(ID)).toBe('acknowledged');
    expect(trail(bw)).toEqual(['POST acknowledge']);
    const post = bw.posts('acknowledge')[0];
    expect(post?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(post?.headers['content-type']).toContain('application/json');
    expect(post?.body).toBeUndefined();
    expect(bw.docs.get(ID)?.processingStatus).toBe('TransferInProgress');
  });

  it('answers already when Basware says 405 and the re-read shows the document acknowledged', async () => {
    const bw = documentsDouble([document()]);
    const documents = documentsOf();
    await documents.acknowledge(ID);
    expect(await documents.acknowledge(ID)).toBe('already');
    expect(trail(bw)).toEqual(['POST acknowledge', 'POST acknowledge', 'GET', 'S3']);
  });

  it('after a timeout that landed: re-reads, sees TransferInProgress, answers already, and never sends the POST again', async () => {
    const bw = documentsDouble([document()]);
    bw.fail('acknowledge', { timeout: true, lands: true });
    expect(await documentsOf().acknowledge(ID)).toBe('already');
    expect(bw.posts('acknowledge')).toHaveLength(1);
    expect(trail(bw)).toEqual(['POST acknowledge', 'GET', 'S3']);
  });

  it('after a timeout that did not land: re-reads, sees WaitingForTransfer, and acknowledges once more', async () => {
    const bw = documentsDouble([document()]);
    bw.fail('acknowledge', { timeout: true, lands: false });
    expect(await documentsOf().acknowledge(ID)).toBe('acknowledged');
    expect(trail(bw)).toEqual(['POST acknowledge', 'GET', 'S3', 'POST acknowledge']);
  });

  it('after two failures that did not land, stops with OutcomeUnknownError instead of looping', async () => {
    const bw = documentsDouble([document()]);
    bw.fail('acknowledge', { reply: [503, { hasErrors: true }] }, { reply: [503, { hasErrors: true }] });
    const err = await documentsOf().acknowledge(ID).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect(bw.posts('acknowledge')).toHaveLength(2);
  });

  it('a 503 is not retried blind either: the landed acknowledge is found by the re-read', async () => {
    const bw = documentsDouble([document()]);
    bw.fail('acknowledge', { reply: [503, { hasErrors: true }], lands: true });
    expect(await documentsOf().acknowledge(ID)).toBe('already');
    expect(bw.posts('acknowledge')).toHaveLength(1);
  });

  it('names the document when Basware does not know it (404)', async () => {
    documentsDouble([]);
    const err = await documentsOf().acknowledge('gone-42').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'HTTP_404' });
    expect((err as Error).message).toContain('gone-42');
    expect((err as Error).message).toContain('no accounting document');
  });

  it('refuses to call a removed document acknowledged: 405 plus a status outside the transfer flow is a rejection', async () => {
    documentsDouble([document({ processingStatus: 'Removed' })]);
    const err = await documentsOf().acknowledge(ID).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BusinessRejection);
    expect((err as Error).message).toContain('is Removed');
  });
});

describe('sendTransferResponse (§9 items 35, 36, 47)', () => {
  const success = { externalCode: 'tr-success-1', success: true, message: 'Posted to M3 as supplier invoice batch 1000123', voucher: '1000123' };

  it('re-reads first, then posts one TransferResponseEntity that the spec accepts', async () => {
    const bw = documentsDouble([document({ processingStatus: 'TransferInProgress' })]);
    expect(await documentsOf().sendTransferResponse(ID, success)).toBe('sent');
    expect(trail(bw)).toEqual(['GET', 'S3', 'POST transferResponses']);
    const body = bw.posts('transferResponses')[0]?.body;
    expect(body).toEqual({
      externalCode: 'tr-success-1',
      success: true,
      responseMessage: 'Posted to M3 as supplier invoice batch 1000123',
      sourceSystem: 'INFOR-M3',
      voucherNumber1: '1000123',
      transferDate: NOW.toISOString(),
      paymentBlock: false,
    });
    expect(validate('TransferResponseEntity', body)).toEqual([]);
    expect(bw.docs.get(ID)?.processingStatus).toBe('Transferred');
  });

  it('answers already, sending nothing, when the document carries the externalCode', async () => {
    const bw = documentsDouble([document({ processingStatus: 'TransferFailed', transferResponses: [{ externalCode: 'tr-fail-1', success: false, responseMessage: 'x', paymentBlock: false }] })]);
    expect(await documentsOf().sendTransferResponse(ID, { externalCode: 'tr-fail-1', success: false, message: 'Refused by M3' })).toBe('already');
    expect(bw.posts('transferResponses')).toHaveLength(0);
  });

  it('answers already, sending nothing, when a success is asked for and the document is already Transferred', async () => {
    const bw = documentsDouble([transferred()]);
    expect(await documentsOf().sendTransferResponse(ID, success)).toBe('already');
    expect(bw.posts('transferResponses')).toHaveLength(0);
  });

  it('after a timeout that landed: re-reads, finds its externalCode, answers already, exactly one POST (item 47)', async () => {
    const bw = documentsDouble([document({ processingStatus: 'TransferInProgress' })]);
    bw.fail('transferResponses', { timeout: true, lands: true });
    expect(await documentsOf().sendTransferResponse(ID, success)).toBe('already');
    expect(trail(bw)).toEqual(['GET', 'S3', 'POST transferResponses', 'GET', 'S3']);
  });

  it('after a timeout that did not land: OutcomeUnknownError, no second POST; the next attempt re-reads and sends', async () => {
    const bw = documentsDouble([document({ processingStatus: 'TransferInProgress' })]);
    bw.fail('transferResponses', { timeout: true, lands: false });
    const documents = documentsOf();
    const err = await documents.sendTransferResponse(ID, success).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect(bw.posts('transferResponses')).toHaveLength(1);

    expect(await documents.sendTransferResponse(ID, success)).toBe('sent');
    expect(bw.posts('transferResponses')).toHaveLength(2);
    expect(trail(bw).slice(-3)).toEqual(['GET', 'S3', 'POST transferResponses']);
  });

  it('a 503 that landed is recognised by the re-read, not posted again', async () => {
    const bw = documentsDouble([document({ processingStatus: 'TransferInProgress' })]);
    bw.fail('transferResponses', { reply: [503, { hasErrors: true }], lands: true });
    expect(await documentsOf().sendTransferResponse(ID, success)).toBe('already');
    expect(bw.posts('transferResponses')).toHaveLength(1);
  });

  it('400 CONFLICT_IN_POST means the externalCode is already on the invoice, even when it is past the latest 100 listed', async () => {
    const bw = documentsDouble([document({ processingStatus: 'TransferFailed' })]);
    bw.fail('transferResponses', {
      reply: [400, { hasErrors: true, errors: [{ externalCode: 'tr-fail-2', type: 'BUSINESS', code: 'CONFLICT_IN_POST', message: 'exists' }] }],
    });
    expect(await documentsOf().sendTransferResponse(ID, { externalCode: 'tr-fail-2', success: false, message: 'Refused' })).toBe('already');
    expect(bw.posts('transferResponses')).toHaveLength(1);
  });

  it('400 DATA_VALIDATION_FAILED on a document that turned Transferred meanwhile is already done', async () => {
    const bw = documentsDouble([document({ processingStatus: 'TransferInProgress' })]);
    bw.fail('transferResponses', {
      reply: [400, { hasErrors: true, errors: [{ type: 'BUSINESS', code: 'DATA_VALIDATION_FAILED', message: 'Invoice is Transferred' }] }],
      lands: true,
    });
    expect(await documentsOf().sendTransferResponse(ID, { ...success, externalCode: 'tr-other' })).toBe('already');
    expect(bw.posts('transferResponses')).toHaveLength(1);
  });

  it('does not send a failed transfer response for a document that is already Transferred', async () => {
    const bw = documentsDouble([transferred()]);
    const err = await documentsOf().sendTransferResponse(ID, { externalCode: 'tr-fail-3', success: false, message: 'Refused by M3' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BusinessRejection);
    expect((err as Error).message).toContain('already Transferred');
    expect(bw.posts('transferResponses')).toHaveLength(0);
  });

  it('reports any other refusal with Basware\'s message', async () => {
    const bw = documentsDouble([document()]);
    bw.fail('transferResponses', {
      reply: [400, { hasErrors: true, errors: [{ type: 'VALIDATION', code: 'SCHEMA_VALIDATION_ERROR', message: 'The responseMessage field is required.' }] }, { 'x-amzn-RequestId': 'rq-77' }],
    });
    const err = await documentsOf().sendTransferResponse(ID, success).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BusinessRejection);
    expect((err as Error).message).toContain('(HTTP 400 SCHEMA_VALIDATION_ERROR): The responseMessage field is required.');
    expect((err as Error).message).toContain('rq-77');
    expect(bw.posts('transferResponses')).toHaveLength(1);
  });

  it('keeps within the entity limits: sourceSystem cut to 32, a voucher too long for its field moved into the message', async () => {
    const bw = documentsDouble([document()]);
    await documentsOf({ sourceSystem: 'S'.repeat(36) }).sendTransferResponse(ID, {
      externalCode: 'tr-long',
      success: true,
      message: 'Posted',
      voucher: 'V'.repeat(30),
    });
    const body = bw.posts('transferResponses')[0]?.body as Record<string, unknown>;
    expect(validate('TransferResponseEntity', body)).toEqual([]);
    expect(body.voucherNumber1).toBeUndefined();
    expect(body.responseMessage).toBe(`Posted (voucher ${'V'.repeat(30)})`);
    expect(String(body.sourceSystem)).toHaveLength(32);
  });

  it('cuts a long ERP message to Basware\'s 250 characters and sends no voucher with a failure', async () => {
    const bw = documentsDouble([document()]);
    await documentsOf().sendTransferResponse(ID, { externalCode: 'tr-m', success: false, message: 'M3 said: '.padEnd(400, 'x'), voucher: '99' });
    const body = bw.posts('transferResponses')[0]?.body as Record<string, unknown>;
    expect(validate('TransferResponseEntity', body)).toEqual([]);
    expect(String(body.responseMessage)).toHaveLength(250);
    expect(String(body.responseMessage).startsWith('M3 said: ')).toBe(true);
    expect(body.voucherNumber1).toBeUndefined();
  });
});

describe('sendPaymentResponse (§9 items 37, 47)', () => {
  const payment = {
    externalCode: 'pay-1160',
    paidTotal: 1160,
    paymentDate: '2024-04-09',
    paymentMethod: 'ACH',
    paymentNumber: 'JRNO-345',
    message: 'Paid in M3, journal 345',
  };

  it('posts the full picture once: omitted fields would be cleared, so the document\'s payment term is carried forward', async () => {
    const bw = documentsDouble([transferred()]);
    expect(await documentsOf().sendPaymentResponse(ID, payment)).toBe('sent');
    expect(trail(bw)).toEqual(['GET', 'S3', 'POST paymentResponses']);
    const body = bw.posts('paymentResponses')[0]?.body;
    expect(body).toEqual({
      externalCode: 'pay-1160',
      success: true,
      paymentBlock: false,
      paidTotal: 1160,
      paymentDate: '2024-04-09T00:00:00Z',
      paymentMethod: 'ACH',
      paymentTermCode: 'Net30',
      paymentNumber: 'JRNO-345',
      sourceSystem: 'INFOR-M3',
      responseMessage: 'Paid in M3, journal 345',
    });
    expect(validate('PaymentResponseEntity', body)).toEqual([]);
    expect(bw.docs.get(ID)?.processingStatus).toBe('Paid');
  });

  it('keeps the document\'s payment method when the ERP reports none', async () => {
    const bw = documentsDouble([transferred()]);
    await documentsOf().sendPaymentResponse(ID, { externalCode: 'pay-500', paidTotal: 500, message: 'Part payment' });
    expect(bw.posts('paymentResponses')[0]?.body).toMatchObject({ paymentMethod: 'BankTransfer', paidTotal: 500 });
  });

  it('answers already on 409 (the externalCode was used), with exactly one POST', async () => {
    const bw = documentsDouble([transferred()]);
    bw.fail('paymentResponses', { reply: [409, { hasErrors: true, errors: [{ code: 'CONFLICT_IN_POST', message: 'exists' }] }] });
    expect(await documentsOf().sendPaymentResponse(ID, payment)).toBe('already');
    expect(bw.posts('paymentResponses')).toHaveLength(1);
  });

  it('answers already, sending nothing, when the document carries the externalCode', async () => {
    const bw = documentsDouble([transferred({ paymentResponses: [{ externalCode: 'pay-1160', success: true, paymentBlock: false }] })]);
    expect(await documentsOf().sendPaymentResponse(ID, payment)).toBe('already');
    expect(bw.posts('paymentResponses')).toHaveLength(0);
  });

  it('after a timeout that landed: re-reads, finds the externalCode, answers already, exactly one POST (item 47)', async () => {
    const bw = documentsDouble([transferred()]);
    bw.fail('paymentResponses', { timeout: true, lands: true });
    expect(await documentsOf().sendPaymentResponse(ID, payment)).toBe('already');
    expect(trail(bw)).toEqual(['GET', 'S3', 'POST paymentResponses', 'GET', 'S3']);
  });

  it('after a timeout that did not land: OutcomeUnknownError and no second POST', async () => {
    const bw = documentsDouble([transferred()]);
    bw.fail('paymentResponses', { timeout: true, lands: false });
    const err = await documentsOf().sendPaymentResponse(ID, payment).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect(bw.posts('paymentResponses')).toHaveLength(1);
  });

  it('reports Basware\'s refusal of a payment on an untransferred invoice', async () => {
    const bw = documentsDouble([document({ processingStatus: 'TransferInProgress' })]);
    const err = await documentsOf().sendPaymentResponse(ID, payment).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BusinessRejection);
    expect((err as Error).message).toContain('needs a Transferred invoice');
    expect(bw.posts('paymentResponses')).toHaveLength(1);
  });
});
