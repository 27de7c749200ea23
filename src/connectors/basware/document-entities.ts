/**
 * The accounting-document shapes mlsync reads and sends (apis/basware.md §4.5), field names exactly as
 * in basware-p2p-openapi.json: AccountingDocumentResponse / AccountingDocumentEntity / StandardCodingEntity
 * in, TransferResponseEntity and PaymentResponseEntity out. Reads are lenient: every field mlsync does
 * not need may be absent or null, and unknown fields pass (Basware adds fields, §2).
 */
import { z } from 'zod';

/** processingStatus values mlsync acts on (§4.5); Basware has many more, which mlsync leaves alone. */
export const DOCUMENT_STATUS = {
  WAITING_FOR_TRANSFER: 'WaitingForTransfer',
  TRANSFER_IN_PROGRESS: 'TransferInProgress',
  TRANSFERRED: 'Transferred',
  TRANSFER_FAILED: 'TransferFailed',
  PAID: 'Paid',
} as const;

const text = z.string().nullish();
const amount = z.number().nullish();

/** StandardCodingEntity: one coding row. */
export const CodingRow = z.looseObject({
  externalCode: text,
  rowIndex: z.number().int().nullish(),
  accountCode: text,
  costCenterCode: text,
  netTotal: amount,
  grossTotal: amount,
  taxSum: amount,
  taxCode: text,
  taxPercent: amount,
  orderNumber: text,
  orderLineNumber: text,
  goodsReceiptNumber: text,
  matchedQuantity: amount,
});
export type CodingRow = z.infer<typeof CodingRow>;

/** The externalCode of each transfer or payment response the document carries. */
const ResponseRef = z.looseObject({ externalCode: text });

/** AccountingDocumentEntity, the fields mlsync maps or decides on. */
export const AccountingDocument = z.looseObject({
  invoiceId: z.string().min(1),
  processingStatus: text,
  companyCode: text,
  supplierCode: text,
  supplierName: text,
  invoiceNumber: text,
  invoiceDate: text,
  dueDate: text,
  voucherDate: text,
  currencyCode: text,
  netSum: amount,
  grossSum: amount,
  taxSum1: amount,
  taxSum2: amount,
  paymentTermCode: text,
  paymentMethod: text,
  paymentMessage: text,
  paymentBlock: z.boolean().nullish(),
  referenceNumber: text,
  orderNumbers: z.array(z.string().nullable()).nullish(),
  codingRows: z.array(z.unknown()).nullish(),
  transferResponses: z.array(ResponseRef).nullish(),
  paymentResponses: z.array(ResponseRef).nullish(),
});
export type AccountingDocument = z.infer<typeof AccountingDocument>;

/** AccountingDocumentResponse: the wrapped body of both the list and the single GET (after the redirect). */
export const AccountingDocumentPage = z.looseObject({
  accountingDocuments: z.array(z.unknown()).nullish(),
});

/** TransferResponseEntity (required: externalCode, success, responseMessage, paymentBlock). */
export interface TransferResponseEntity {
  externalCode: string;
  success: boolean;
  responseMessage: string;
  sourceSystem?: string;
  voucherNumber1?: string;
  transferDate?: string;
  paymentBlock: boolean;
}

/** PaymentResponseEntity (required: externalCode, success, paymentBlock). A field left out is cleared in P2P. */
export interface PaymentResponseEntity {
  externalCode: string;
  success: boolean;
  paymentBlock: boolean;
  paidTotal: number;
  paymentDate?: string;
  paymentMethod?: string;
  paymentTermCode?: string;
  paymentMessage?: string;
  paymentNumber?: string;
  sourceSystem?: string;
  responseMessage?: string;
}

/** Field limits of the response entities (S1). */
export const RESPONSE_LIMITS = {
  responseMessage: 250,
  sourceSystem: 32,
  voucherNumber: 25,
  paymentMethod: 25,
  paymentTermCode: 25,
  paymentMessage: 100,
  paymentNumber: 250,
} as const;
