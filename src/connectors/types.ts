/**
 * What every connector offers the engine. Connectors speak only the canonical model (src/model):
 * they know nothing of the ledger or the engine. An ERP connector reads master data (and, later,
 * posts invoices); an AP connector writes master data (and, later, reads approved invoices).
 */
import type { TokenBlobStore } from '../auth/types.js';
import type { TraceSink } from '../http/types.js';
import type { DimensionValue, GlAccount, PurchaseOrder, Supplier } from '../model/master-data.js';
import type { ApInvoice, ErpInvoiceLookup, PaymentStatus, PostedInvoice } from '../model/invoice.js';
import type { MirrorEntity } from '../model/entities.js';
import type { Redactor } from '../secrets/redactor.js';

export interface MirrorRecordTypes {
  suppliers: Supplier;
  purchaseOrders: PurchaseOrder;
  glAccounts: GlAccount;
  costCenters: DimensionValue;
}

/**
 * One item read from the source: a canonical record, or a record the connector could not map, kept
 * with the reason so the engine can hold it instead of dropping it.
 */
export type SourceItem<T> =
  | { key: string; record: T; invalid?: undefined; raw?: unknown }
  | { key: string; record?: undefined; invalid: string; raw?: unknown };

export interface MirrorRead<T> {
  /** Records changed after the watermark, streamed page by page. */
  items: AsyncIterable<SourceItem<T>>;
  /**
   * The watermark to store once every item has been handled. Valid only after `items` has been
   * iterated to the end; null keeps the previous watermark.
   */
  nextWatermark(): string | null;
}

export interface ReadContext {
  /** When the run started (watermarks derived from the clock use it, never "now"). */
  runStartedAt: Date;
}

export interface PingResult {
  system: string;
  displayName: string;
  /** The URL that was read (no secrets in it). */
  endpoint: string;
  latencyMs: number;
  tokenExpiresAt?: Date;
  ok: boolean;
  /** One line for the operator: "token ok, read 1 supplier" or what to fix. */
  message: string;
  /** Stable error code when !ok. */
  code?: string;
}

export interface ErpConnector {
  readonly system: string;
  readonly displayName: string;
  /** Mirror entities this ERP can read. */
  readonly mirrorEntities: readonly MirrorEntity[];
  readMirror<E extends MirrorEntity>(entity: E, since: string | null, ctx: ReadContext): MirrorRead<MirrorRecordTypes[E]>;
  /** Token, one cheap authenticated read, version/region checks. Never throws for a refused login: reports it. */
  ping(): Promise<PingResult>;
  /** Posting approved invoices and reporting payments, when this ERP supports it. */
  readonly invoices?: ErpInvoices;
  close?(): Promise<void>;
}

/**
 * The ERP side of invoice posting. ERP "add" calls are not idempotent: `postInvoice` always looks the
 * invoice up by its natural key (supplier + invoice number) before writing, and never repeats a write
 * whose outcome it does not know.
 */
export interface ErpInvoices {
  /** Look the invoice up by supplier and invoice number; writes nothing. */
  findInvoice(invoice: ApInvoice): Promise<ErpInvoiceLookup>;
  /**
   * Post the invoice: look up first (posted → `recovered`, nothing written; half-built → completed or
   * removed, then posted), then write and wait until the ERP reports it posted.
   * Throws OutcomeUnknownError when a write was sent without a definite answer (timeout, reset, 5xx):
   * the caller keeps the record `posting` and the next attempt starts again with the lookup.
   * Throws BusinessRejection when the ERP definitely refused the invoice (its message is the reason).
   */
  postInvoice(invoice: ApInvoice): Promise<PostedInvoice>;
  /** The requests a fresh post would send, one line each (method, path, parameters; no secrets), for --dry-run. */
  describePosting(invoice: ApInvoice): Promise<string[]>;
  /** What has been paid on a posted invoice; undefined when the ERP does not (yet) have it in its ledger. */
  paymentStatus(invoice: ApInvoice, posted: { targetKey: string }): Promise<PaymentStatus | undefined>;
}

/** The AP platform's view of one document, re-read before acting after an ambiguous failure. */
export interface DocumentState {
  documentId: string;
  /** The platform's processing status (Basware: WaitingForTransfer, TransferInProgress, Transferred, TransferFailed, Paid...). */
  status: string;
  /** externalCodes of the transfer responses the document already carries. */
  transferResponseCodes: string[];
  /** externalCodes of the payment responses the document already carries. */
  paymentResponseCodes: string[];
  /** The document itself, mapped; `invalid` says why it could not be. */
  item: SourceItem<ApInvoice>;
}

export interface TransferResponse {
  /** Unique per response; derived from the document and the outcome so a resend is recognised. */
  externalCode: string;
  success: boolean;
  /** For AP staff: "Posted to M3 as batch 1000123" or the ERP's refusal. */
  message: string;
  /** ERP voucher or batch number (success only). */
  voucher?: string;
}

export interface PaymentResponse {
  /** Unique per payment; derived from the document and the cumulative paid total. */
  externalCode: string;
  /** Cumulative amount paid. */
  paidTotal: number;
  paymentDate?: string;
  paymentMethod?: string;
  paymentNumber?: string;
  message: string;
}

/** The AP platform side of invoice posting: approved documents out, acknowledgements and responses in. */
export interface ApDocuments {
  /** Documents approved and waiting for transfer, streamed; one that cannot be mapped is an `invalid` item. */
  readApproved(): AsyncIterable<SourceItem<ApInvoice>>;
  /** Re-read one document; undefined when the platform does not know it. */
  getDocument(documentId: string): Promise<DocumentState | undefined>;
  /**
   * Tell the platform the document is being transferred. 'already' when it had been acknowledged before
   * (after an ambiguous failure the document is re-read, never acknowledged blind twice).
   */
  acknowledge(documentId: string): Promise<'acknowledged' | 'already'>;
  /** Report the transfer outcome; 'already' when the document already carries this externalCode or status. */
  sendTransferResponse(documentId: string, response: TransferResponse): Promise<'sent' | 'already'>;
  /** Report a payment; 'already' when the document already carries this externalCode. */
  sendPaymentResponse(documentId: string, response: PaymentResponse): Promise<'sent' | 'already'>;
}

export interface MirrorWrite<T> {
  /** The source key (ledger key) of the record. */
  key: string;
  record: T;
}

/** Final outcome of writing one record. */
export type WriteOutcome =
  /** Stored by the target. `unchanged` when the target reported it identical to what it had. */
  | { key: string; status: 'written' | 'unchanged'; targetKey: string; requestId?: string }
  /** Refused by the target for this record (phase-1 validation or phase-2 item error). Held with the reason. */
  | { key: string; status: 'rejected'; targetKey?: string; reason: string; requestId?: string }
  /** Sent, but the target did not confirm in time; resent next run. */
  | { key: string; status: 'unconfirmed'; targetKey?: string; reason: string; requestId?: string };

/** A batch the target accepted for asynchronous processing; `confirm` waits for the outcome. */
export interface SubmittedBatch {
  readonly entity: MirrorEntity;
  /** Outcomes already final at submit time (records refused in phase 1). */
  readonly settled: WriteOutcome[];
  /** Keys still waiting for the target's verdict. */
  readonly pendingKeys: string[];
}

export interface ApConnector {
  readonly system: string;
  readonly displayName: string;
  /** Mirror entities this AP platform accepts. */
  readonly mirrorTargets: readonly MirrorEntity[];
  /** Largest number of source records per submit for the entity. */
  batchSize(entity: MirrorEntity): number;
  /**
   * Map the record to the target's shape and check the target's own limits (required fields,
   * lengths) without sending. Returns a reason when the target would refuse it. Used for dry runs
   * and to hold bad records before a whole batch is refused for one of them.
   */
  checkMirror<E extends MirrorEntity>(entity: E, item: MirrorWrite<MirrorRecordTypes[E]>): string | undefined;
  /** Send one batch. Throws only when the whole batch could not be sent (auth, connection). */
  submitMirror<E extends MirrorEntity>(entity: E, batch: MirrorWrite<MirrorRecordTypes[E]>[]): Promise<SubmittedBatch>;
  /** Wait for the target's verdict on a submitted batch: one outcome per record of the batch. */
  confirmMirror(batch: SubmittedBatch): Promise<WriteOutcome[]>;
  ping(): Promise<PingResult>;
  /** Approved documents and the responses to them, when this AP platform supports it. */
  readonly documents?: ApDocuments;
  close?(): Promise<void>;
}

/** What the CLI hands a connector factory besides its own config section. */
export interface ConnectorDeps {
  redactor: Redactor;
  trace?: TraceSink;
  /** Cross-run token storage (the ledger); the connector wraps it with createEncryptedTokenCache. */
  tokenStore?: TokenBlobStore;
  /** Directory of the pair's config file; relative paths in it (the .ionapi file) resolve from here. */
  configDir: string;
  /** Clock; tests inject one. */
  now?: () => Date;
  /**
   * A person is waiting (ping): answer within seconds. Two attempts per call and no long Retry-After
   * waits, instead of the patient retries a cron run wants.
   */
  interactive?: boolean;
}
