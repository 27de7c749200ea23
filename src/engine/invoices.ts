/**
 * The `invoices` flow: approved documents from the AP platform posted in the ERP exactly once, through
 * the outbox of design.md ("Posting exactly once"):
 *
 *   seen ─map─▶ ready ─intent─▶ posting ─lookup/write─▶ posted ─ack/transfer─▶ confirmed
 *     └─ unmapped account/cost center, unknown supplier ─▶ held (never acknowledged; re-evaluated every run)
 *                       posting ─ definite refusal ─▶ failed (reason kept; replayable)
 *
 * 1. `posting` is committed before any call to the ERP.
 * 2. The ERP connector looks the invoice up by supplier + invoice number before writing; found posted,
 *    it writes nothing.
 * 3. A write whose outcome is unknown leaves the record `posting`; the next attempt starts at 2.
 * 4. The AP platform is acknowledged only after `posted` is committed; a held or failed document is
 *    never acknowledged.
 */
import type { ApDocuments, ApConnector, ErpConnector, ErpInvoices } from '../connectors/types.js';
import { BusinessRejection, ConfigError, OutcomeUnknownError } from '../errors.js';
import type { FlowCounts, RecordRow, RecordUpdate } from '../ledger/types.js';
import { ApInvoice, type PostedInvoice } from '../model/invoice.js';
import { RECORD_STATE, type RecordState } from '../model/entities.js';
import { uuidV5 } from '../model/uuid.js';
import { KILL_POINTS, killPoint } from './failpoints.js';
import { FlowStopped, type ProgressEvent } from './mirror.js';
import type { RecordedCall } from '../http/recorder.js';
import type { EngineLedger } from './ports.js';

export const INVOICES_FLOW = 'invoices';

/** Audit actions of the invoices flow. */
export const INVOICE_AUDIT = {
  HELD: 'invoice.held',
  POSTING: 'invoice.posting',
  OUTCOME_UNKNOWN: 'invoice.outcome-unknown',
  POSTED: 'invoice.posted',
  RECOVERED: 'invoice.recovered',
  FAILED: 'invoice.failed',
  FAILURE_RESPONSE: 'invoice.failure-response',
  ACKNOWLEDGED: 'invoice.acknowledged',
  CONFIRMED: 'invoice.confirmed',
  REPLAY: 'invoice.replay',
} as const;

/** What the ledger keeps of an invoice: the document as read (for replay) and, once posted, where it went. */
export interface InvoicePayload {
  invoice: ApInvoice;
  posted?: { targetKey: string; voucher?: string };
}

/** Namespace of the externalCodes mlsync derives for responses (fixed forever). */
const RESPONSE_NAMESPACE = '4b7e2d1c-9a3f-4c58-8e6d-2f1a0b9c7d35';

/** The externalCode of a response: the same document and purpose always give the same code. */
export function responseCode(documentId: string, purpose: string): string {
  return uuidV5(`${documentId}:${purpose}`, RESPONSE_NAMESPACE);
}

export interface InvoiceFlowContext {
  pair: string;
  runId: string;
  dryRun: boolean;
  ledger: EngineLedger;
  erp: ErpConnector;
  ap: ApConnector;
  /** Also tell the AP platform about a definite refusal (config invoices.sendFailureResponse). */
  sendFailureResponse: boolean;
  onProgress?: (event: ProgressEvent) => void;
  stopReason: () => string | undefined;
  /** Collects the calls made for one record, for its audit entries. */
  calls?: CallCapture;
}

/** Something that can collect the HTTP calls made meanwhile (src/http/recorder.ts). */
export interface CallCapture {
  capture(): () => RecordedCall[];
}

/** Runs `work`, returning its result and the calls it made (redacted summaries). */
async function withCalls<T>(ctx: { calls?: CallCapture }, work: () => Promise<T>): Promise<{ value?: T; error?: unknown; calls: RecordedCall[] }> {
  const stop = ctx.calls?.capture();
  try {
    const value = await work();
    return { value, calls: stop?.() ?? [] };
  } catch (error) {
    return { error, calls: stop?.() ?? [] };
  }
}

interface Sides {
  erp: ErpInvoices;
  docs: ApDocuments;
}

export function invoiceSides(ctx: Pick<InvoiceFlowContext, 'erp' | 'ap'>): Sides {
  if (!ctx.erp.invoices || !ctx.ap.documents) {
    throw new ConfigError(`${ctx.erp.displayName} and ${ctx.ap.displayName} cannot exchange invoices in this version.`);
  }
  return { erp: ctx.erp.invoices, docs: ctx.ap.documents };
}

/** Reads a stored payload back; undefined when it is not a complete invoice (a document that never mapped). */
export function storedInvoice(row: RecordRow): InvoicePayload | undefined {
  const p = row.payload as Partial<InvoicePayload> | null;
  const parsed = ApInvoice.safeParse(p?.invoice);
  if (!parsed.success) return undefined;
  return { invoice: parsed.data, ...(p?.posted ? { posted: p.posted } : {}) };
}

/**
 * Why the invoice cannot be posted yet: its supplier, accounts or cost centers have not been mirrored.
 * An empty list means it can go.
 */
export function missingMappings(ledger: EngineLedger, pair: string, invoice: ApInvoice): string[] {
  const synced = (flow: string, key: string) => ledger.getRecord(pair, flow, key)?.state === RECORD_STATE.SYNCED;
  const missing: string[] = [];
  if (!synced('suppliers', invoice.supplierCode)) missing.push(`supplier ${invoice.supplierCode} has not been mirrored`);
  const accounts = [...new Set(invoice.lines.map((l) => l.accountCode))].filter((a) => !synced('glAccounts', a));
  if (accounts.length > 0) missing.push(`account ${accounts.join(', ')} has not been mirrored`);
  const centers = [...new Set(invoice.lines.map((l) => l.costCenterCode).filter((c): c is string => Boolean(c)))].filter(
    (c) => !synced('costCenters', c),
  );
  if (centers.length > 0) missing.push(`cost center ${centers.join(', ')} has not been mirrored`);
  return missing;
}

export async function runInvoiceFlow(ctx: InvoiceFlowContext, counts: FlowCounts): Promise<void> {
  const sides = invoiceSides(ctx);
  const progress = (phase: ProgressEvent['phase']) => ctx.onProgress?.({ flow: INVOICES_FLOW, phase, counts: { ...counts } });
  const checkStop = () => {
    const reason = ctx.stopReason();
    if (reason) throw new FlowStopped(reason);
  };
  const handled = new Set<string>();

  progress('reading');
  for await (const item of sides.docs.readApproved()) {
    checkStop();
    counts.read += 1;
    const row = ctx.ledger.getRecord(ctx.pair, INVOICES_FLOW, item.key);
    if (item.invalid !== undefined) {
      // A document that no longer reads never undoes the outbox: a record already posting or posted goes on
      // from the invoice stored when it was read (the resume pass below), a confirmed one is done.
      if (row && (row.state === RECORD_STATE.POSTING || row.state === RECORD_STATE.POSTED || row.state === RECORD_STATE.CONFIRMED)) continue;
      handled.add(item.key);
      hold(ctx, item.key, `Basware document cannot be read: ${item.invalid}`, { invoice: item.raw ?? null }, counts);
      continue;
    }
    handled.add(item.key);
    if (row?.state === RECORD_STATE.FAILED) {
      // A definite refusal stays failed until someone fixes the cause and replays it.
      counts.failed += 1;
      continue;
    }
    const stored = row ? storedInvoice(row) : undefined;
    await advance(ctx, sides, { invoice: item.record, ...(stored?.posted ? { posted: stored.posted } : {}) }, row?.state, counts);
    progress('sending');
  }

  // Documents the platform no longer lists but the outbox has not finished: acknowledged before a crash
  // (no transfer response yet), or a write whose outcome is still to be looked up.
  progress('retrying');
  for (const row of ctx.ledger.listRecords({ pair: ctx.pair, flow: INVOICES_FLOW, states: [RECORD_STATE.POSTING, RECORD_STATE.POSTED] })) {
    if (handled.has(row.sourceKey)) continue;
    checkStop();
    const stored = storedInvoice(row);
    if (!stored) continue;
    await advance(ctx, sides, stored, row.state, counts);
  }
  progress('done');
}

function hold(ctx: InvoiceFlowContext, key: string, reason: string, payload: unknown, counts: FlowCounts): void {
  counts.held += 1;
  if (ctx.dryRun) return;
  const row = ctx.ledger.getRecord(ctx.pair, INVOICES_FLOW, key);
  // Re-evaluated every run, written only when the reason changes: a cron job every five minutes must
  // not grow the audit trail by one entry per held invoice each time.
  if (row?.state === RECORD_STATE.HELD && row.lastError === reason) return;
  commit(ctx, { sourceKey: key, state: RECORD_STATE.HELD, payload, lastError: reason, audit: { action: INVOICE_AUDIT.HELD, outcome: 'held', detail: { reason } } });
}

function commit(ctx: Pick<InvoiceFlowContext, 'ledger' | 'pair' | 'runId'>, update: Omit<RecordUpdate, 'flow'>): void {
  ctx.ledger.commit(ctx.pair, ctx.runId, [{ flow: INVOICES_FLOW, ...update }]);
}

/**
 * Moves one invoice as far along the outbox as it goes this time, from the state the ledger has.
 * Returns the state it reached.
 */
export async function advance(
  ctx: InvoiceFlowContext,
  sides: Sides,
  payload: InvoicePayload,
  from: RecordState | undefined,
  counts: FlowCounts,
): Promise<RecordState> {
  const { invoice } = payload;
  const key = invoice.documentId;
  let posted = payload.posted;

  if (from !== RECORD_STATE.POSTED && from !== RECORD_STATE.CONFIRMED) {
    const missing = missingMappings(ctx.ledger, ctx.pair, invoice);
    if (missing.length > 0) {
      hold(ctx, key, `${missing.join('; ')} — it goes out once the master data is in Basware`, { invoice }, counts);
      return RECORD_STATE.HELD;
    }
    if (ctx.dryRun) {
      counts.written += 1;
      return RECORD_STATE.READY;
    }
    commit(ctx, {
      sourceKey: key,
      state: RECORD_STATE.POSTING,
      payload: { invoice },
      lastError: null,
      attempt: true,
      audit: {
        action: INVOICE_AUDIT.POSTING,
        outcome: 'ok',
        detail: { supplier: invoice.supplierCode, invoiceNumber: invoice.invoiceNumber, gross: invoice.grossTotal, currency: invoice.currency, resumed: from === RECORD_STATE.POSTING },
      },
    });
    killPoint(KILL_POINTS.AFTER_POSTING_COMMIT);

    const attempt = await withCalls(ctx, () => sides.erp.postInvoice(invoice));
    const calls = attempt.calls;
    if (attempt.error !== undefined) {
      const err = attempt.error;
      if (err instanceof OutcomeUnknownError) {
        counts.held += 1;
        commit(ctx, {
          sourceKey: key,
          state: RECORD_STATE.POSTING,
          lastError: `${ctx.erp.displayName} did not answer a write for certain; the next run looks the invoice up before writing anything (${err.message})`,
          audit: { action: INVOICE_AUDIT.OUTCOME_UNKNOWN, outcome: 'held', detail: { reason: err.message, calls } },
        });
        return RECORD_STATE.POSTING;
      }
      if (err instanceof BusinessRejection) {
        await fail(ctx, sides, invoice, err.message, counts, calls);
        return RECORD_STATE.FAILED;
      }
      throw err;
    }
    const result = attempt.value as PostedInvoice;
    killPoint(KILL_POINTS.AFTER_ERP_WRITE);
    posted = { targetKey: result.targetKey, ...(result.voucher ? { voucher: result.voucher } : {}) };
    if (result.recovered) counts.unchanged += 1;
    else counts.written += 1;
    commit(ctx, {
      sourceKey: key,
      state: RECORD_STATE.POSTED,
      targetKey: result.targetKey,
      payload: { invoice, posted },
      lastError: null,
      audit: {
        action: result.recovered ? INVOICE_AUDIT.RECOVERED : INVOICE_AUDIT.POSTED,
        outcome: 'ok',
        detail: { targetKey: result.targetKey, voucher: result.voucher, summary: result.summary, calls },
      },
    });
    killPoint(KILL_POINTS.AFTER_POSTED_COMMIT);
  }

  if (ctx.dryRun) return from ?? RECORD_STATE.POSTED;
  if (from === RECORD_STATE.CONFIRMED) return RECORD_STATE.CONFIRMED;
  await confirm(ctx, sides, invoice, posted);
  return RECORD_STATE.CONFIRMED;
}

/** Acknowledge, then the success transfer response; each step recognises that it was done before. */
async function confirm(ctx: InvoiceFlowContext, sides: Sides, invoice: ApInvoice, posted: InvoicePayload['posted']): Promise<void> {
  const key = invoice.documentId;
  const acked = await withCalls(ctx, () => sides.docs.acknowledge(key));
  if (acked.error !== undefined) throw acked.error;
  ctx.ledger.audit(ctx.pair, ctx.runId, {
    flow: INVOICES_FLOW,
    recordId: ctx.ledger.getRecord(ctx.pair, INVOICES_FLOW, key)?.id,
    action: INVOICE_AUDIT.ACKNOWLEDGED,
    outcome: 'ok',
    detail: { result: acked.value, calls: acked.calls },
  });
  killPoint(KILL_POINTS.AFTER_ACKNOWLEDGE);
  const voucher = posted?.voucher ?? posted?.targetKey;
  const response = await withCalls(ctx, () =>
    sides.docs.sendTransferResponse(key, {
      externalCode: responseCode(key, 'transfer:success'),
      success: true,
      message: `Posted to ${ctx.erp.displayName}${posted ? ` as ${posted.targetKey}` : ''}${posted?.voucher && posted.voucher !== posted.targetKey ? `, voucher ${posted.voucher}` : ''}`,
      ...(voucher ? { voucher } : {}),
    }),
  );
  if (response.error !== undefined) throw response.error;
  commit(ctx, {
    sourceKey: key,
    state: RECORD_STATE.CONFIRMED,
    audit: { action: INVOICE_AUDIT.CONFIRMED, outcome: 'ok', detail: { transferResponse: response.value, voucher, calls: response.calls } },
  });
}

async function fail(
  ctx: InvoiceFlowContext,
  sides: Sides,
  invoice: ApInvoice,
  reason: string,
  counts: FlowCounts,
  calls: RecordedCall[],
): Promise<void> {
  const key = invoice.documentId;
  counts.failed += 1;
  commit(ctx, {
    sourceKey: key,
    state: RECORD_STATE.FAILED,
    payload: { invoice },
    lastError: `${ctx.erp.displayName} refused the invoice: ${reason}`,
    audit: { action: INVOICE_AUDIT.FAILED, outcome: 'failed', detail: { reason, calls } },
  });
  if (!ctx.sendFailureResponse) return;
  const sent = await withCalls(ctx, () =>
    sides.docs.sendTransferResponse(key, {
      externalCode: responseCode(key, `transfer:failed:${reason}`),
      success: false,
      message: `${ctx.erp.displayName} refused the invoice: ${reason}`.slice(0, 250),
    }),
  );
  if (sent.error !== undefined) throw sent.error;
  ctx.ledger.audit(ctx.pair, ctx.runId, {
    flow: INVOICES_FLOW,
    recordId: ctx.ledger.getRecord(ctx.pair, INVOICES_FLOW, key)?.id,
    action: INVOICE_AUDIT.FAILURE_RESPONSE,
    outcome: 'ok',
    detail: { result: sent.value, calls: sent.calls },
  });
}

