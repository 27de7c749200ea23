import { describe, expect, it } from 'vitest';
import { isoDate, mapDocument } from '../../../src/connectors/basware/document-mapping.js';
import { document } from './documents-fake.js';
import { validate } from './openapi-check.js';
import cases from './fixtures/documents.json' with { type: 'json' };

interface ValidCase {
  name: string;
  document: Record<string, unknown>;
  expected: unknown;
}
interface InvalidCase {
  name: string;
  change: Record<string, unknown>;
  reason: string[];
}

describe('Basware accounting document → ApInvoice (fixtures)', () => {
  it.each((cases.valid as ValidCase[]).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    // The fixture is a document Basware could send: it passes the spec's AccountingDocumentEntity.
    expect(validate('AccountingDocumentEntity', c.document)).toEqual([]);
    const item = mapDocument(c.document);
    expect(item.invalid).toBeUndefined();
    expect(item.key).toBe(c.document.invoiceId);
    expect(item.record).toEqual(c.expected);
  });
});

describe('a document that cannot be mapped is an invalid item, never an exception', () => {
  it.each((cases.invalid as InvalidCase[]).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const raw = document(c.change);
    const item = mapDocument(raw);
    expect(item.record).toBeUndefined();
    expect(item.key).toBe('138e7d94997847aebe7432e521b3dac9');
    for (const part of c.reason) expect(item.invalid).toContain(part);
    expect(item.raw).toBe(raw);
  });

  it('names every bad field at once, so one round of fixes in P2P is enough', () => {
    const item = mapDocument(document({ invoiceNumber: null, grossSum: null }));
    expect(item.invalid).toContain('invoiceNumber is missing');
    expect(item.invalid).toContain('grossSum is missing');
  });

  it('names a bad invoice date once, as invoiceDate, although it is also the accounting date', () => {
    const item = mapDocument(document({ invoiceDate: '12.03.2024' }));
    expect(item.invalid?.match(/12\.03\.2024/g)).toHaveLength(1);
    expect(item.invalid).not.toContain('voucherDate');
  });

  it('keys a document without an invoiceId by its bumid, and one that is not an object by its place on the page', () => {
    const noId = mapDocument(document({ invoiceId: undefined }), 3);
    expect(noId.key).toBe('bumid:c6d7067f-eb67-4289-89ec-819446078a3a');
    expect(noId.invalid).toContain('invoiceId is missing');
    const garbage = mapDocument('not a document', 4);
    expect(garbage.key).toBe('unidentified-document-5');
    expect(garbage.invalid).toContain('cannot be posted');
  });
});

describe('dates', () => {
  it('takes the calendar date as written, without shifting it to another zone', () => {
    expect(isoDate('2024-03-12T00:00:00Z')).toBe('2024-03-12');
    expect(isoDate('2024-03-12T23:30:00-05:00')).toBe('2024-03-12');
    expect(isoDate('2024-03-12')).toBe('2024-03-12');
    expect(isoDate(null)).toBeUndefined();
    expect(isoDate('12.03.2024')).toBe('12.03.2024');
  });
});

