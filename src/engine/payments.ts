/**
 * The `payments` flow: for every invoice posted and confirmed, ask the ERP what has been paid, and send
 * the AP platform one payment response per new payment, exactly once. The response's externalCode is
 * derived from the document and the cumulative amount paid, and the intent is committed before it is
 * sent, so a run killed mid-send repeats the same response (recognised as already there), never a
 * second one. Fully paid invoices are not asked about again.
 */
import type { FlowCounts } from '../ledger/types.js';
import { RECORD_STATE } from '../model/entities.js';
import { KILL_POINTS, killPoint } from './failpoints.js';
import { INVOICES_FLOW, invoiceSides, responseCode, storedInvoice, type InvoiceFlowContext } from './invoices.js';
import { FlowStopped, type ProgressEvent } from './mirror.js';

export const PAYMENTS_FLOW = 'payments';

export const PAYMENT_AUDIT = {
  INTENT: 'payment.intent',
  SENT: 'payment.sent',
} as const;

/** What the ledger keeps per invoice in the payments flow. */
export interface PaymentPayload {
  /** Cumulative amount the AP platform has been told. */
  sentPaidTotal: number;
  /** Fully paid: nothing more to ask. */
  paid: boolean;
  /** A response committed but not yet known to be sent. */
  pending?: { paidTotal: number; externalCode: string; paymentDate?: string };
}

const money = (n: number) => n.toFixed(2);

export async function runPaymentFlow(ctx: InvoiceFlowContext, counts: FlowCounts): Promise<void> {
  const { erp, docs } = invoiceSides(ctx);
  const progress = (phase: ProgressEvent['phase']) => ctx.onProgress?.({ flow: PAYMENTS_FLOW, phase, counts: { ...counts } });
  progress('reading');
  for (const row of ctx.ledger.listRecords({ pair: ctx.pair, flow: INVOICES_FLOW, states: [RECORD_STATE.CONFIRMED] })) {
    const reason = ctx.stopReason();
    if (reason) throw new FlowStopped(reason);
    const stored = storedInvoice(row);
    if (!stored?.posted) continue;
    const { invoice } = stored;
    const key = invoice.documentId;
    const known = ctx.ledger.getRecord(ctx.pair, PAYMENTS_FLOW, key);
    const state = (known?.payload as PaymentPayload | null) ?? { sentPaidTotal: 0, paid: false };
    if (state.paid && !state.pending) continue;

    counts.read += 1;
    const status = await erp.paymentStatus(invoice, stored.posted);
    const pending =
      state.pending ??
      (status && status.paidTotal > state.sentPaidTotal + 0.004
        ? {
            paidTotal: status.paidTotal,
            externalCode: responseCode(key, `payment:${money(status.paidTotal)}`),
            ...(status.paymentDate ? { paymentDate: status.paymentDate } : {}),
          }
        : undefined);
    if (!pending) {
      counts.unchanged += 1;
      continue;
    }
    if (ctx.dryRun) {
      counts.written += 1;
      continue;
    }
    const fullyPaid = Boolean(status?.paid) && (status?.paidTotal ?? 0) <= pending.paidTotal + 0.004;
    ctx.ledger.commit(ctx.pair, ctx.runId, [
      {
        flow: PAYMENTS_FLOW,
        sourceKey: key,
        state: RECORD_STATE.POSTING,
        targetKey: row.targetKey,
        payload: { ...state, pending } satisfies PaymentPayload,
        attempt: true,
        audit: { action: PAYMENT_AUDIT.INTENT, outcome: 'ok', detail: { paidTotal: pending.paidTotal, externalCode: pending.externalCode } },
      },
    ]);
    killPoint(KILL_POINTS.AFTER_PAYMENT_INTENT);
    const stop = ctx.calls?.capture();
    const sent = await docs.sendPaymentResponse(key, {
      externalCode: pending.externalCode,
      paidTotal: pending.paidTotal,
      ...(pending.paymentDate ? { paymentDate: pending.paymentDate } : {}),
      ...(status?.paymentMethod ? { paymentMethod: status.paymentMethod } : {}),
      ...(status?.paymentNumber ? { paymentNumber: status.paymentNumber } : {}),
      message: fullyPaid ? `Paid in full in ${ctx.erp.displayName}.` : `Paid ${money(pending.paidTotal)} ${invoice.currency} so far in ${ctx.erp.displayName}.`,
    });
    const calls = stop?.() ?? [];
    if (sent === 'sent') counts.written += 1;
    else counts.unchanged += 1;
    ctx.ledger.commit(ctx.pair, ctx.runId, [
      {
        flow: PAYMENTS_FLOW,
        sourceKey: key,
        state: fullyPaid ? RECORD_STATE.CONFIRMED : RECORD_STATE.POSTED,
        payload: { sentPaidTotal: pending.paidTotal, paid: fullyPaid } satisfies PaymentPayload,
        lastError: null,
        audit: { action: PAYMENT_AUDIT.SENT, outcome: 'ok', detail: { paidTotal: pending.paidTotal, result: sent, fullyPaid, calls } },
      },
    ]);
  }
  progress('done');
}
