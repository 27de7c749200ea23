/**
 * `replay`: one invoice again, from the payload stored when it was read, through the same outbox as a
 * run (lookup before any write). An invoice already posted is left alone. Every replay is audited and
 * linked to the entry it replays.
 */
import type { ApConnector, ErpConnector } from '../connectors/types.js';
import { ConfigError } from '../errors.js';
import type { FlowCounts, RecordRow } from '../ledger/types.js';
import { RECORD_STATE, type RecordState } from '../model/entities.js';
import { INVOICE_AUDIT, INVOICES_FLOW, advance, invoiceSides, missingMappings, storedInvoice, type CallCapture } from './invoices.js';
import type { EngineLedger } from './ports.js';
import { withPairRun, type RunSummary } from './run.js';

export interface ReplayOptions {
  ledger: EngineLedger;
  erp: ErpConnector;
  ap: ApConnector;
  record: RecordRow;
  dryRun: boolean;
  sendFailureResponse: boolean;
  lockStaleSeconds: number;
  heartbeatSeconds: number;
  signal?: AbortSignal;
  calls?: CallCapture;
}

export interface ReplayResult {
  recordId: number;
  documentId: string;
  /** What the replay found or did. */
  outcome: 'already-posted' | 'would-post' | 'would-recover' | 'would-hold' | 'posted' | 'held' | 'failed' | 'outcome-unknown';
  message: string;
  /** --dry-run: the requests a post would send. */
  requests?: string[];
  run?: RunSummary;
}

/** Which records can be replayed, and the message when one cannot. */
export function replayable(record: RecordRow): string | undefined {
  if (record.flow !== INVOICES_FLOW) {
    return (
      `Record ${record.id} is a ${record.flow} record. Replay re-runs invoices; master data is sent again by ` +
      `\`mlsync run ${record.pair} --flows ${record.flow} --full\`.`
    );
  }
  if (!storedInvoice(record)) {
    return (
      `Record ${record.id} holds no readable invoice (${record.lastError ?? 'the document could not be read'}). ` +
      'Correct the document in Basware; the next run reads it again.'
    );
  }
  return undefined;
}

export async function replayRecord(opts: ReplayOptions): Promise<ReplayResult> {
  const { ledger, record } = opts;
  const why = replayable(record);
  if (why) throw new ConfigError(why);
  const stored = storedInvoice(record)!;
  const { invoice } = stored;
  const sides = invoiceSides(opts);
  const replayOf = ledger.listAudit({ recordId: record.id, limit: 1 })[0]?.id ?? null;
  const base = { recordId: record.id, documentId: invoice.documentId };
  const label = `invoice ${invoice.invoiceNumber} of supplier ${invoice.supplierCode}`;

  if (record.state === RECORD_STATE.POSTED || record.state === RECORD_STATE.CONFIRMED) {
    const message = `${label} is already posted in ${opts.erp.displayName} as ${record.targetKey ?? stored.posted?.targetKey}; nothing was written.`;
    ledger.audit(record.pair, null, {
      flow: INVOICES_FLOW,
      recordId: record.id,
      action: INVOICE_AUDIT.REPLAY,
      outcome: 'skipped',
      detail: { replayOf, reason: 'already posted', dryRun: opts.dryRun },
    });
    return { ...base, outcome: 'already-posted', message };
  }

  if (opts.dryRun) {
    const missing = missingMappings(ledger, record.pair, invoice);
    let result: ReplayResult;
    if (missing.length > 0) {
      result = { ...base, outcome: 'would-hold', message: `${label} would be held again: ${missing.join('; ')}.` };
    } else {
      const found = await sides.erp.findInvoice(invoice);
      if (found.state === 'posted') {
        result = {
          ...base,
          outcome: 'would-recover',
          message: `${opts.erp.displayName} already has ${label} as ${found.targetKey}: a replay would record it as posted and write nothing to ${opts.erp.displayName}.`,
        };
      } else {
        const requests = await sides.erp.describePosting(invoice);
        if (found.state === 'incomplete') requests.unshift(`(first: the half-entered ${found.targetKey} is completed or removed: ${found.detail})`);
        requests.push(`then ${opts.ap.displayName}: acknowledge document ${invoice.documentId} and send a success transfer response`);
        result = { ...base, outcome: 'would-post', message: `A replay would post ${label} with these requests:`, requests };
      }
    }
    ledger.audit(record.pair, null, {
      flow: INVOICES_FLOW,
      recordId: record.id,
      action: INVOICE_AUDIT.REPLAY,
      outcome: 'dry-run',
      detail: { replayOf, result: result.outcome },
    });
    return result;
  }

  let reached = record.state as RecordState;
  const run = await withPairRun(
    {
      pair: record.pair,
      ledger,
      dryRun: false,
      flows: [INVOICES_FLOW],
      lockStaleSeconds: opts.lockStaleSeconds,
      heartbeatSeconds: opts.heartbeatSeconds,
      signal: opts.signal,
      startDetail: { replay: record.id },
    },
    async (scope, counts) => {
      const c: FlowCounts = { flow: INVOICES_FLOW, read: 1, written: 0, unchanged: 0, held: 0, failed: 0 };
      counts.push(c);
      ledger.audit(record.pair, scope.runId, {
        flow: INVOICES_FLOW,
        recordId: record.id,
        action: INVOICE_AUDIT.REPLAY,
        outcome: 'ok',
        detail: { replayOf, from: record.state },
      });
      // A failed or held invoice starts over (its cause may be fixed); one left `posting` resumes with the lookup.
      const from = record.state === RECORD_STATE.POSTING ? RECORD_STATE.POSTING : undefined;
      reached = await advance(
        {
          pair: record.pair,
          runId: scope.runId,
          dryRun: false,
          ledger,
          erp: opts.erp,
          ap: opts.ap,
          sendFailureResponse: opts.sendFailureResponse,
          stopReason: scope.stopReason,
          calls: opts.calls,
        },
        sides,
        stored,
        from,
        c,
      );
    },
  );
  const after = ledger.getRecord(record.pair, INVOICES_FLOW, invoice.documentId);
  switch (reached) {
    case RECORD_STATE.CONFIRMED:
      return { ...base, outcome: 'posted', message: `${label} is posted in ${opts.erp.displayName} as ${after?.targetKey} and confirmed to ${opts.ap.displayName}.`, run };
    case RECORD_STATE.HELD:
      return { ...base, outcome: 'held', message: `${label} is still held: ${after?.lastError}`, run };
    case RECORD_STATE.FAILED:
      return { ...base, outcome: 'failed', message: `${label} failed again: ${after?.lastError}`, run };
    default:
      return { ...base, outcome: 'outcome-unknown', message: `${label}: ${after?.lastError ?? 'not finished'}; the next run looks it up again.`, run };
  }
}
