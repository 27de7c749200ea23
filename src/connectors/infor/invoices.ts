/**
 * Posting approved invoices into M3 as supplier invoice batches, exactly once (apis/infor.md §6.3):
 * look the invoice up by payee + supplier + invoice number, finish or remove what an earlier attempt
 * left, then AddHead → AddLine per coding row → ValidByBatchNo → poll GetHead until posted.
 * Add/Valid/Dlt are never repeated blind: when their outcome is unknown the OutcomeUnknownError goes
 * to the caller as it is, and the next attempt starts again with the lookup (§7 item 25).
 */
import { BusinessRejection, OutcomeUnknownError, ResponseShapeError } from '../../errors.js';
import type { ApInvoice, ApInvoiceLine, ErpInvoiceLookup, PaymentStatus, PostedInvoice } from '../../model/invoice.js';
import type { ErpInvoices } from '../types.js';
import type { InforConfig } from './config.js';
import { INFOR_DISPLAY_NAME, INFOR_SYSTEM, M3_BATCH_STATUS, M3_EXECUTE_PATH, M3_RECORD_NOT_FOUND } from './descriptor.js';
import {
  BatchRowError,
  batchDifference,
  batchRows,
  describeStatus,
  isPosted,
  journalNumber,
  lookupOf,
  mapPaymentStatus,
} from './invoice-batches.js';
import type { BatchRow } from './invoice-batches.js';
import {
  addHeadRequest,
  addLineRequest,
  batchHeadRequest,
  batchLinesRequest,
  deleteBatchRequest,
  ledgerInvoiceRequest,
  lookupRequest,
  m3Amount,
  supplierRequest,
  validateRequest,
} from './invoice-requests.js';
import type { InvoiceRequestContext, M3Request } from './invoice-requests.js';
import { M3BusinessError, encodeM3Value } from './m3-client.js';
import type { M3Client } from './m3-client.js';
import { M3ValueError, text } from './m3-values.js';
import type { M3Record } from './m3-values.js';

export interface InforInvoicesDeps {
  m3: M3Client;
  config: InforConfig;
  /** How the GetHead poll waits; tests inject one that returns at once. */
  sleep: (ms: number) => Promise<void>;
}

/** Stands for the batch number AddHead will return, in --dry-run descriptions. */
const INBN_PLACEHOLDER = '{INBN}';
const MS_PER_SECOND = 1000;
const REJECTED_STATUSES = new Set<number>([M3_BATCH_STATUS.VALIDATION_ERROR, M3_BATCH_STATUS.RECODING_FAILED]);

/** How waiting for a validated batch ended. */
type Validation = { outcome: 'posted' } | { outcome: 'rejected'; status: number; head: M3Record } | { outcome: 'timeout'; status: number };

export function createInforInvoices(deps: InforInvoicesDeps): ErpInvoices {
  const { m3, config, sleep } = deps;
  /** Supplier → payee, per connector (one connector per run): suppliers with many invoices are read once. */
  const payees = new Map<string, string>();

  function send(req: M3Request): Promise<M3Record[]> {
    return m3.call(req.tx, req.fields, req.options);
  }

  /** `GET …/APS450MI/AddHead?DIVI=AAA&…`: the request as sent, without the gateway host (and never a token). */
  function describe(req: M3Request): string {
    const url = m3.url(req.tx, req.fields, req.options);
    const path = url.slice(url.indexOf(M3_EXECUTE_PATH) + M3_EXECUTE_PATH.length);
    return `GET …${path.split(encodeM3Value(INBN_PLACEHOLDER)).join(INBN_PLACEHOLDER)}`;
  }

  function which(invoice: ApInvoice): string {
    return `invoice ${invoice.invoiceNumber} of supplier ${invoice.supplierCode}`;
  }

  async function context(invoice: ApInvoice): Promise<InvoiceRequestContext> {
    const suno = invoice.supplierCode;
    let payee = payees.get(suno);
    if (payee === undefined) {
      let supplier: M3Record;
      try {
        supplier = (await send(supplierRequest(suno)))[0] ?? {};
      } catch (err) {
        if (!(err instanceof M3BusinessError)) throw err;
        throw new BusinessRejection(
          `${INFOR_DISPLAY_NAME} cannot take ${which(invoice)}: M3 company ${config.company} answered "${err.m3Message}" ` +
            `for the supplier (CRS620MI/GetBasicData). Correct the supplier on the invoice, or create supplier ${suno} in M3.`,
          { system: INFOR_SYSTEM, cause: err },
        );
      }
      // The payee is the supplier itself unless M3 names another one (PRSU, §5.7).
      const prsu = text(supplier, 'PRSU');
      payee = prsu !== undefined && prsu !== suno ? prsu : suno;
      payees.set(suno, payee);
    }
    return { config, payee };
  }

  async function lookup(invoice: ApInvoice, ctx: InvoiceRequestContext): Promise<BatchRow[]> {
    const records = await send(lookupRequest(invoice, ctx));
    try {
      return batchRows(records);
    } catch (err) {
      if (!(err instanceof BatchRowError)) throw err;
      throw new ResponseShapeError(`${INFOR_DISPLAY_NAME}: looking up ${which(invoice)}: ${err.message}`, { system: INFOR_SYSTEM });
    }
  }

  /** The ledger record of the invoice; undefined while M3 has not (yet) posted it. */
  async function ledgerRecord(invoice: ApInvoice, ctx: InvoiceRequestContext): Promise<M3Record | undefined> {
    try {
      return (await send(ledgerInvoiceRequest(invoice, ctx)))[0];
    } catch (err) {
      if (err instanceof M3BusinessError && err.m3Message.toLowerCase() === M3_RECORD_NOT_FOUND.toLowerCase()) return undefined;
      throw err;
    }
  }

  /** JRNO when the ledger shows the invoice, else the batch number: AP staff get a reference either way. */
  async function voucherOf(invoice: ApInvoice, ctx: InvoiceRequestContext, inbn: string): Promise<string> {
    try {
      const rec = await ledgerRecord(invoice, ctx);
      return (rec && journalNumber(rec)) ?? inbn;
    } catch (err) {
      // The invoice is posted; a ledger read M3 refuses must not turn that into a failure.
      if (err instanceof M3BusinessError) return inbn;
      throw err;
    }
  }

  async function findInvoice(invoice: ApInvoice): Promise<ErpInvoiceLookup> {
    const ctx = await context(invoice);
    const found = lookupOf(await lookup(invoice, ctx));
    if (found.state !== 'posted') return found;
    return { ...found, voucher: await voucherOf(invoice, ctx, found.targetKey) };
  }

  function lineRequests(invoice: ApInvoice, inbn: string): M3Request[] {
    return invoice.lines.map((line) => addLineRequest(line, inbn, config));
  }

  /** Why batch `inbn` is not what a fresh post would write; undefined when it is. */
  async function differenceOf(invoice: ApInvoice, ctx: InvoiceRequestContext, inbn: string): Promise<string | undefined> {
    const head = (await send(batchHeadRequest(inbn, config)))[0] ?? {};
    const lines = await send(batchLinesRequest(inbn, config));
    return batchDifference(head, lines, addHeadRequest(invoice, ctx), lineRequests(invoice, inbn));
  }

  /** DltInvoice; a refusal is a BusinessRejection naming the batch so an operator can remove it in M3. */
  async function deleteBatch(invoice: ApInvoice, inbn: string, why: string): Promise<void> {
    try {
      await send(deleteBatchRequest(inbn, config));
    } catch (err) {
      if (!(err instanceof M3BusinessError)) throw err;
      throw new BusinessRejection(
        `${INFOR_DISPLAY_NAME} holds batch ${inbn} for ${which(invoice)} (${why}), and refused to delete it: ` +
          `"${err.m3Message}". Delete or finish batch ${inbn} in M3 (APS450), then send the invoice again.`,
        { system: INFOR_SYSTEM, cause: err },
      );
    }
  }

  /** GetHead until the batch is posted or refused, at most erp.m3.validateTimeoutSeconds (poll, never re-validate: §7 item 19). */
  async function waitForPosting(inbn: string): Promise<Validation> {
    const pollMs = config.m3.validatePollSeconds * MS_PER_SECOND;
    const polls = Math.ceil(config.m3.validateTimeoutSeconds / config.m3.validatePollSeconds);
    for (let poll = 0; ; poll++) {
      const head = (await send(batchHeadRequest(inbn, config)))[0] ?? {};
      const status = Number(text(head, 'SUPA') ?? NaN);
      if (status === M3_BATCH_STATUS.POSTED) return { outcome: 'posted' };
      if (REJECTED_STATUSES.has(status)) return { outcome: 'rejected', status, head };
      if (poll >= polls) return { outcome: 'timeout', status };
      await sleep(pollMs);
    }
  }

  function codingTotals(invoice: ApInvoice): string {
    const net = invoice.lines.reduce((sum, l) => sum + l.netAmount, 0);
    const tax = invoice.lines.reduce((sum, l) => sum + l.taxAmount, 0);
    return (
      `Coding rows: net ${m3Amount(net)} + tax ${m3Amount(tax)} = ${m3Amount(net + tax)}; ` +
      `invoice: tax ${m3Amount(invoice.taxTotal)}, gross ${m3Amount(invoice.grossTotal)}`
    );
  }

  /** ValidByBatchNo, then wait until M3 reports the batch posted. */
  async function validate(invoice: ApInvoice, inbn: string): Promise<void> {
    let refusal: M3BusinessError | undefined;
    try {
      await send(validateRequest(inbn, config));
    } catch (err) {
      // A refusal usually sets SUPA 15 (not balanced); the batch status, read next, decides.
      if (!(err instanceof M3BusinessError)) throw err;
      refusal = err;
    }
    const result = await waitForPosting(inbn);
    if (result.outcome === 'posted') return;
    if (result.outcome === 'rejected') {
      const reason = refusal ? `: "${refusal.m3Message}"` : '';
      const flags = [
        text(result.head, 'IBHE') === '1' ? 'head error flag (IBHE) set' : '',
        text(result.head, 'IBLE') === '1' ? 'line error flag (IBLE) set' : '',
      ].filter(Boolean);
      throw new BusinessRejection(
        `${INFOR_DISPLAY_NAME} did not post ${which(invoice)}: batch ${inbn} failed validation ` +
          `(${describeStatus(result.status)}${flags.length > 0 ? `, ${flags.join(', ')}` : ''})${reason}. ${codingTotals(invoice)}. ` +
          `Batch ${inbn} is left in M3: sending the invoice again validates it again, or replaces it when the invoice was corrected.`,
        { system: INFOR_SYSTEM, ...(refusal ? { cause: refusal } : {}) },
      );
    }
    // Still not posted. After a refusal too: M3 refuses to validate a batch it is already validating
    // (an earlier attempt's ValidByBatchNo), so the batch stays for the next attempt's lookup.
    const waited = `${config.m3.validateTimeoutSeconds} s (erp.m3.validateTimeoutSeconds)`;
    const getHead = batchHeadRequest(inbn, config);
    const start = refusal
      ? `${INFOR_DISPLAY_NAME} answered "${refusal.m3Message}" when asked to validate batch ${inbn} of ${which(invoice)}, and it was not posted`
      : `${INFOR_DISPLAY_NAME} accepted batch ${inbn} of ${which(invoice)} for validation, but it was not posted`;
    throw new OutcomeUnknownError(
      `${start} (${describeStatus(result.status)}) within ${waited}. It is left as it is; the next attempt looks it up ` +
        `again. If it stays at status ${result.status}, finish or delete batch ${inbn} in M3 (APS450).`,
      { method: 'GET', url: m3.url(getHead.tx, getHead.fields, getHead.options) },
      { system: INFOR_SYSTEM, ...(refusal ? { cause: refusal } : {}) },
    );
  }

  function refusedLine(invoice: ApInvoice, line: ApInvoiceLine, inbn: string, err: M3BusinessError, cleanup: string): BusinessRejection {
    const coding = [`account ${line.accountCode}`, line.costCenterCode ? `cost center ${line.costCenterCode}` : ''].filter(Boolean);
    return new BusinessRejection(
      `${INFOR_DISPLAY_NAME} refused ${which(invoice)}: coding row ${line.rowIndex} (${coding.join(', ')}) was not ` +
        `accepted by APS450MI/AddLine: "${err.m3Message}". ${cleanup} Correct the coding (or the M3 accounting ` +
        `identities) and send the invoice again.`,
      { system: INFOR_SYSTEM, cause: err },
    );
  }

  /** AddHead + AddLine per coding row; a refused line removes the half-built batch before throwing. */
  async function addBatch(invoice: ApInvoice, ctx: InvoiceRequestContext): Promise<string> {
    const head = addHeadRequest(invoice, ctx);
    let records: M3Record[];
    try {
      records = await send(head);
    } catch (err) {
      if (!(err instanceof M3BusinessError)) throw err;
      throw new BusinessRejection(
        `${INFOR_DISPLAY_NAME} refused ${which(invoice)} (APS450MI/AddHead): "${err.m3Message}". Nothing was written ` +
          `to M3; correct the invoice (or the M3 master data) and send it again.`,
        { system: INFOR_SYSTEM, cause: err },
      );
    }
    const inbn = text(records[0] ?? {}, 'INBN');
    if (inbn === undefined) {
      // A batch may exist without its number: the next attempt's lookup finds it.
      throw new OutcomeUnknownError(
        `${INFOR_DISPLAY_NAME} answered APS450MI/AddHead for ${which(invoice)} without a batch number (INBN); ` +
          `the next attempt looks the invoice up before writing again.`,
        { method: 'GET', url: m3.url(head.tx, head.fields, head.options), status: 200 },
        { system: INFOR_SYSTEM },
      );
    }
    for (const line of invoice.lines) {
      try {
        await send(addLineRequest(line, inbn, config));
      } catch (err) {
        if (!(err instanceof M3BusinessError)) throw err;
        let cleanup = `The half-built batch ${inbn} was deleted.`;
        try {
          await send(deleteBatchRequest(inbn, config));
        } catch (dltErr) {
          // Unknown outcome: rethrown, the next attempt's lookup finds the batch and deletes it.
          if (!(dltErr instanceof M3BusinessError)) throw dltErr;
          cleanup = `The half-built batch ${inbn} could not be deleted ("${dltErr.m3Message}"): delete it in M3 (APS450).`;
        }
        throw refusedLine(invoice, line, inbn, err, cleanup);
      }
    }
    return inbn;
  }

  async function postInvoice(invoice: ApInvoice): Promise<PostedInvoice> {
    const ctx = await context(invoice);
    const rows = await lookup(invoice, ctx);

    const posted = rows.find(isPosted);
    if (posted) {
      const voucher = await voucherOf(invoice, ctx, posted.inbn);
      return {
        targetKey: posted.inbn,
        voucher,
        recovered: true,
        summary: `Found already posted in M3 as batch ${posted.inbn} (voucher ${voucher}); nothing written`,
      };
    }

    // Unposted batches are earlier attempts: keep the first that is exactly this invoice, delete the rest.
    const notes: string[] = [];
    let kept: string | undefined;
    for (const row of rows) {
      const difference = kept === undefined ? await differenceOf(invoice, ctx, row.inbn) : 'a second batch of the same invoice';
      if (difference === undefined) {
        kept = row.inbn;
        continue;
      }
      await deleteBatch(invoice, row.inbn, difference);
      notes.push(`deleted batch ${row.inbn} left by an earlier attempt (${difference})`);
    }

    const inbn = kept ?? (await addBatch(invoice, ctx));
    await validate(invoice, inbn);
    const voucher = await voucherOf(invoice, ctx, inbn);
    const done = kept ? `Validated batch ${inbn} entered by an earlier attempt` : `Posted to M3 as batch ${inbn}`;
    return {
      targetKey: inbn,
      voucher,
      recovered: false,
      summary: [`${done} (voucher ${voucher})`, ...notes].join('; '),
    };
  }

  async function describePosting(invoice: ApInvoice): Promise<string[]> {
    const ctx = await context(invoice);
    return [
      lookupRequest(invoice, ctx),
      addHeadRequest(invoice, ctx),
      ...lineRequests(invoice, INBN_PLACEHOLDER),
      validateRequest(INBN_PLACEHOLDER, config),
      batchHeadRequest(INBN_PLACEHOLDER, config),
    ].map(describe);
  }

  async function paymentStatus(invoice: ApInvoice, posted: { targetKey: string }): Promise<PaymentStatus | undefined> {
    const ctx = await context(invoice);
    const rec = await ledgerRecord(invoice, ctx);
    if (rec === undefined) return undefined;
    try {
      return mapPaymentStatus(rec);
    } catch (err) {
      if (!(err instanceof M3ValueError)) throw err;
      throw new ResponseShapeError(
        `${INFOR_DISPLAY_NAME} APS200MI/GetInvTotInfo for ${which(invoice)} (batch ${posted.targetKey}): ${err.message}`,
        { system: INFOR_SYSTEM },
      );
    }
  }

  return { findInvoice, postInvoice, describePosting, paymentStatus };
}
