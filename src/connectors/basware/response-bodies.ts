/**
 * The bodies of transfer and payment responses (apis/basware.md §4.5), within the field limits of
 * TransferResponseEntity and PaymentResponseEntity (S1): every body Basware gets passes its phase-1 schema.
 */
import type { PaymentResponse, TransferResponse } from '../types.js';
import { RESPONSE_LIMITS as L } from './document-entities.js';
import type { PaymentResponseEntity, TransferResponseEntity } from './document-entities.js';

/** responseMessage is required (1–250) on a transfer response; an empty ERP message gets one of these. */
const DEFAULT_TRANSFER_MESSAGE = { success: 'Transferred to the ERP', failure: 'Transfer to the ERP failed' } as const;

function cut(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

function textField(raw: Record<string, unknown>, name: string, max: number): string | undefined {
  const v = raw[name];
  return typeof v === 'string' && v !== '' && v.length <= max ? v : undefined;
}

export function transferResponseBody(r: TransferResponse, sourceSystem: string, now: Date): TransferResponseEntity {
  const voucherFits = r.voucher !== undefined && r.voucher !== '' && r.voucher.length <= L.voucherNumber;
  let message = r.message.trim() || (r.success ? DEFAULT_TRANSFER_MESSAGE.success : DEFAULT_TRANSFER_MESSAGE.failure);
  // A voucher longer than Basware's field is not cut (a cut identifier is a wrong one): AP staff read it in the message.
  if (r.success && r.voucher && !voucherFits && !message.includes(r.voucher)) message = `${message} (voucher ${r.voucher})`;
  return {
    externalCode: r.externalCode,
    success: r.success,
    responseMessage: cut(message, L.responseMessage),
    // The response entities allow 32 characters where the config (and orders) allow 36.
    sourceSystem: cut(sourceSystem, L.sourceSystem),
    // Voucher numbers are saved only with success:true (§4.5).
    ...(r.success && voucherFits ? { voucherNumber1: r.voucher } : {}),
    transferDate: now.toISOString(),
    paymentBlock: false,
  };
}

/**
 * The full picture: a payment response clears every field it leaves out (§4.5), so the document's own
 * payment term, payment message and (when the ERP names none) payment method are carried forward.
 */
export function paymentResponseBody(r: PaymentResponse, sourceSystem: string, document: Record<string, unknown>): PaymentResponseEntity {
  const method =
    r.paymentMethod && r.paymentMethod.length <= L.paymentMethod ? r.paymentMethod : textField(document, 'paymentMethod', L.paymentMethod);
  const termCode = textField(document, 'paymentTermCode', L.paymentTermCode);
  const paymentMessage = textField(document, 'paymentMessage', L.paymentMessage);
  const message = r.message.trim();
  return {
    externalCode: r.externalCode,
    success: true,
    paymentBlock: false,
    paidTotal: r.paidTotal,
    // Left out, Basware dates the payment today (§4.5).
    ...(r.paymentDate ? { paymentDate: `${r.paymentDate}T00:00:00Z` } : {}),
    ...(method ? { paymentMethod: method } : {}),
    ...(termCode ? { paymentTermCode: termCode } : {}),
    ...(paymentMessage ? { paymentMessage } : {}),
    ...(r.paymentNumber ? { paymentNumber: cut(r.paymentNumber, L.paymentNumber) } : {}),
    sourceSystem: cut(sourceSystem, L.sourceSystem),
    ...(message ? { responseMessage: cut(message, L.responseMessage) } : {}),
  };
}
