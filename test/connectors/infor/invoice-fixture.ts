/** The approved invoice the Infor invoice tests post: two coding rows, one with a cost center and a mapped tax code. */
import { ApInvoice } from '../../../src/model/invoice.js';

export const DOCUMENT_ID = '138e7d94997847aebe7432e521b3dac9';

export function anInvoice(overrides: Partial<Record<keyof ApInvoice, unknown>> = {}): ApInvoice {
  return ApInvoice.parse({
    documentId: DOCUMENT_ID,
    companyCode: 'ACME01',
    supplierCode: '10001',
    invoiceNumber: 'INV-4711',
    invoiceDate: '2024-07-01',
    dueDate: '2024-07-31',
    accountingDate: '2024-07-02',
    currency: 'EUR',
    netTotal: 1000,
    taxTotal: 250,
    grossTotal: 1250,
    lines: [
      { rowIndex: 1, accountCode: '6110', costCenterCode: 'CC310', netAmount: 600, taxAmount: 150, taxCode: 'S25', description: 'Consulting June' },
      { rowIndex: 3, accountCode: '6120', netAmount: 400, taxAmount: 100, taxCode: 'X99' },
    ],
    ...overrides,
  });
}
